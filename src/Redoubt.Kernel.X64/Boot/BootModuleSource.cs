namespace Redoubt.Kernel.X64.Boot;

// Where the boot module (the boot archive, a newc cpio) came from.
internal enum BootModuleSource
{
    None,
    // The first PVH module (QEMU -initrd).
    PvhModule,
    // UEFI: the file \EFI\redoubt\boot.cpio on the volume the image was loaded from.
    EspFile,
}
