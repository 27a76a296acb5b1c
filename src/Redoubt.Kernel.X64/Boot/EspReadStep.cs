namespace Redoubt.Kernel.X64.Boot;

// The step at which reading \EFI\redoubt\boot.cpio from the ESP failed; None when nothing
// failed (the file was read, or it is absent, which is not an error).
internal enum EspReadStep
{
    None,
    LoadedImage,
    FileSystem,
    OpenVolume,
    Open,
    GetInfo,
    NotAFile,
    Empty,
    TooLarge,
    AllocatePages,
    Read,
}
