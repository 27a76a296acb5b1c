namespace Redoubt.Kernel;

public static class KernelVersion
{
    public static System.ReadOnlySpan<byte> Text => "0.1.0"u8;

    // major << 32 | minor << 16 | patch, as InfoRecord and CvmReport carry it.
    public const ulong Number = (0UL << 32) | (1UL << 16) | 0;

    // Raised whenever a release fixes a security bug: verifiers can refuse older kernels.
    public const ulong SecurityVersion = 1;
}
