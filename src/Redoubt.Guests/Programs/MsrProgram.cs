using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Msr: each step printed before it runs. EFER must show long mode (LME and LMA);
// the TSC must advance between two reads; FS base must keep a value written to it. Last, VM_CR
// (an SVM MSR the policy refuses): the read must raise #GP, which the entry stub's IDT reports
// (Exception 13, Done 0xE000000D). Returning is the failure.
internal static class MsrProgram
{
    private const uint Efer = 0xC000_0080, Tsc = 0x10, FsBase = 0xC000_0100, VmCr = 0xC001_0114;
    private const ulong EferLme = 1 << 8, EferLma = 1 << 10;
    private const ulong FsBaseProbe = 0x0000_5EC2_E7ED_F5B0;    // canonical, else WRMSR faults
    private const uint NoLongMode = 1, TscStopped = 2, FsBaseLost = 3, VmCrReadable = 4;

    public static uint Run()
    {
        GuestConsole.Line("msr: reading EFER ("u8).Hex(Efer).Text(")"u8).End();
        ulong efer = Processor.ReadMsr(Efer);
        GuestConsole.Line("msr: EFER = "u8).Hex(efer).End();
        if ((efer & (EferLme | EferLma)) != (EferLme | EferLma))
            return NoLongMode;

        GuestConsole.Line("msr: reading the TSC ("u8).Hex(Tsc).Text(") twice"u8).End();
        ulong first = Processor.ReadMsr(Tsc);
        ulong second = Processor.ReadMsr(Tsc);
        GuestConsole.Line("msr: TSC "u8).Hex(first).Text(", then "u8).Hex(second).End();
        if (second <= first)
            return TscStopped;

        GuestConsole.Line("msr: writing "u8).Hex(FsBaseProbe).Text(" to FS base ("u8).Hex(FsBase).Text(") and reading it back"u8).End();
        Processor.WriteMsr(FsBase, FsBaseProbe);
        ulong fsBase = Processor.ReadMsr(FsBase);
        Processor.WriteMsr(FsBase, 0);
        GuestConsole.Line("msr: FS base = "u8).Hex(fsBase).End();
        if (fsBase != FsBaseProbe)
            return FsBaseLost;

        GuestConsole.Line("msr: reading VM_CR ("u8).Hex(VmCr).Text("), which the policy refuses: expect exception 13"u8).End();
        ulong vmCr = Processor.ReadMsr(VmCr);
        GuestConsole.Line("msr: VM_CR read returned "u8).Hex(vmCr).End();
        return VmCrReadable;
    }
}
