namespace Redoubt.Kernel.X64.SelfTest;

internal sealed class Unrelated
{
    public int Value;
}
