namespace Redoubt.Kernel.X64.Guests;

internal static class GuestImageNames
{
    public static System.ReadOnlySpan<byte> Of(GuestImageName image) => image switch
    {
        GuestImageName.LoopBare => "bench/loop.bin"u8,
        GuestImageName.LoopNull => "bench/null.bin"u8,
        GuestImageName.LoopCpuid => "bench/cpuid.bin"u8,
        GuestImageName.LoopPortIo => "bench/pio.bin"u8,
        _ => "testkit.elf"u8,
    };
}
