namespace Redoubt.Kernel;

public static class KernelVersion
{
    public static System.ReadOnlySpan<byte> Text => "0.1.0"u8;
}
