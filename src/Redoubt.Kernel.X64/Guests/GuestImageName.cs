namespace Redoubt.Kernel.X64.Guests;

// The files of the guest archive (artifacts/image/guests.cpio, src/Redoubt.Guests).
internal enum GuestImageName : byte
{
    TestKit,
    LoopBare,
    LoopNull,
    LoopCpuid,
    LoopPortIo,
}
