using System.Text;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;

namespace Redoubt.Explorer;

// One hypercall as a domain issues it: the caller (0 = Dom0, n = VM n) and the raw registers,
// any number and any 64-bit arguments. Issued through the kernel's own dispatch.
public readonly record struct Call(ushort Caller, ulong Number, ulong Arg0 = 0, ulong Arg1 = 0, ulong Arg2 = 0, ulong Arg3 = 0, ulong Arg4 = 0)
{
    public static Call Of(ushort caller, Hypercall call, ulong arg0 = 0, ulong arg1 = 0, ulong arg2 = 0, ulong arg3 = 0, ulong arg4 = 0) =>
        new Call(caller, (ulong)call, arg0, arg1, arg2, arg3, arg4);

    public HypercallResult IssueTo(KernelCore<ArrayPhysicalMemory> core) =>
        core.Call(Caller, (Hypercall)Number, Arg0, Arg1, Arg2, Arg3, Arg4);

    // "Dom0: MemDonate(slot 0, host 0xE000, pages 2, gpa 0x1000)"
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Caller == 0 ? "Dom0" : "VM" + Caller).Append(": ");
        string[]? names = ArgumentNames((Hypercall)Number);
        text.Append(names is null ? "hypercall " + Hex(Number) : ((Hypercall)Number).ToString()).Append('(');
        names ??= ["arg0", "arg1", "arg2", "arg3", "arg4"];
        ulong[] values = [Arg0, Arg1, Arg2, Arg3, Arg4];
        for (int i = 0; i < names.Length; i++)
            text.Append(i == 0 ? "" : ", ").Append(names[i]).Append(' ').Append(Hex(values[i]));
        return text.Append(')').ToString();
    }

    public static string Hex(ulong value) => value < 10 ? value.ToString() : "0x" + value.ToString("X");

    // The arguments each hypercall reads, as Redoubt.Abi.Hypercall documents them.
    private static string[]? ArgumentNames(Hypercall call) => call switch
    {
        Hypercall.Info => ["buffer", "length"],
        Hypercall.VmCreate => [],
        Hypercall.VmDestroy or Hypercall.VmFinalize or Hypercall.VcpuCreate or Hypercall.CapRevoke => ["slot"],
        Hypercall.MemDonate => ["slot", "host", "pages", "gpa"],
        Hypercall.MemReclaim or Hypercall.MemShare or Hypercall.MemUnshare => ["slot", "gpa", "pages"],
        Hypercall.VmLoad => ["slot", "gpa", "source", "length", "flags"],
        Hypercall.VcpuSetState or Hypercall.VcpuRun or Hypercall.VmReport => ["slot", "buffer", "length"],
        Hypercall.CapDerive => ["slot", "mask"],
        _ => null,
    };
}
