using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// Dom0's intercepted RDMSR/WRMSR, by Dom0MsrPolicy's table: Emulate runs the MSR's own rule
// (IA32_APIC_BASE in Dom0Apic, the others in MsrEmulation, on Dom0's VMCB and world-switch
// state); a Checked write is carried out on this CPU's register when it changes only the bits
// the table lets Dom0 change (MTRR_DEF_TYPE's turning-off for an update is accepted and
// dropped); everything else is refused (the caller injects #GP and logs it
// through LogRefusal). Dom0's vCPU n runs on CPU n only, so "this CPU's register" is its own.
internal static class Dom0Msrs
{
    // Refusals logged one by one before the log thins out to every RefusalLogInterval-th, per
    // direction (as Dom0Runner's other refusals).
    private const ulong RefusalsLoggedInFull = 16, RefusalLogInterval = 1024;

    private static ulong s_refusedReads, s_refusedWrites;

    // False when the access is refused; a read's result is in value.
    public static bool Access(SvmVcpu dom0, uint msr, bool write, ref ulong value)
    {
        int index = Dom0MsrPolicy.Find(msr);
        if (index < 0)
            return false;
        Dom0MsrRange entry = Dom0MsrPolicy.Table[index];
        switch (write ? entry.Write : entry.Read)
        {
            case Dom0MsrAccess.Emulate:
                return msr == MsrNumber.ApicBase ? Dom0Apic.AccessBaseMsr(write, ref value) : MsrEmulation.Apply(dom0, msr, write, ref value);
            case Dom0MsrAccess.Checked:
                return write && WriteChecked(msr, entry.WritableBits, value);
            default:
                // Refuse; and PassThrough, which never exits (the permission map is the table's).
                return false;
        }
    }

    public static void LogRefusal(uint msr, bool write, ulong value, ulong rip)
    {
        ref ulong refused = ref write ? ref s_refusedWrites : ref s_refusedReads;
        refused++;
        if (refused > RefusalsLoggedInFull && refused % RefusalLogInterval != 0)
            return;
        var line = Log.Warn("dom0"u8).Text(write ? "refused MSR write of "u8 : "refused MSR read of "u8).Hex(msr);
        if (write)
            line.Text(" (value "u8).Hex(value).Text(")"u8);
        line.Text(" at rip "u8).Hex(rip).Text(": #GP in Dom0, "u8).Decimal(refused)
            .Text(write ? " MSR writes refused so far"u8 : " MSR reads refused so far"u8).End();
    }

    // The register is read first: the table names only MSRs every CPU with SVM has, and NB_CFG
    // and LS_CFG, which are checked against the family first.
    private static bool WriteChecked(uint msr, ulong tableBits, ulong value)
    {
        uint family = HostMsrs.Features.Family;
        if (!Dom0MsrPolicy.HostHas(msr, family))
            return false;
        ulong writableBits = Dom0MsrPolicy.CheckedWriteBits(msr, tableBits, family);
        ulong current = Cpu.Cpu.ReadMsr(msr);
        if (Dom0MsrPolicy.IsMtrrOffForUpdate(msr, current, value))
            return true;
        if (!Dom0MsrPolicy.IsAllowedCheckedWrite(writableBits, current, value))
            return false;
        if (value != current)
            Cpu.Cpu.WriteMsr(msr, value);
        return true;
    }
}
