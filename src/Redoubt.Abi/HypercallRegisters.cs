namespace Redoubt.Abi;

// A hypercall's inputs as the register convention of Hypercall carries them.
public struct HypercallRegisters
{
    public ulong Number;   // RAX
    public ulong Arg0;     // RDI
    public ulong Arg1;     // RSI
    public ulong Arg2;     // RDX
    public ulong Arg3;     // R10
    public ulong Arg4;     // R8
    public ulong Arg5;     // R9

    public static HypercallRegisters Of(Hypercall call, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0, ulong arg5 = 0) =>
        new HypercallRegisters { Number = (ulong)call, Arg0 = arg0, Arg1 = arg1, Arg2 = arg2, Arg3 = arg3, Arg4 = arg4, Arg5 = arg5 };
}
