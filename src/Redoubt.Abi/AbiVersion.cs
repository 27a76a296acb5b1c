namespace Redoubt.Abi;

public static class AbiVersion
{
    // Major in the high 16 bits, minor in the low 16: a kernel answers Info with it.
    public const ulong Current = (1UL << 16) | 0;
}
