using System;

namespace Redoubt.Kernel.Virtualization;

// Dom0's MSRs, by allow-list (docs/msr-policy.md, "Dom0", is the same table with the reasons):
// every MSR Dom0 may read or write is named below with why; every other MSR, both directions,
// is intercepted and gets #GP(0) and a log line. The table was built from the MSRs Debian's
// Linux touches under Redoubt (QEMU's EPYC model) and those it reads on AMD hardware without a
// fault handler (OSVW, HWCR); Linux probes the rest with rdmsr_safe/wrmsr_safe and copes.
// Named refusals (Refuse both ways) document the MSRs a reader would look for first; they are
// decided exactly like an unlisted MSR. The permission map is derived from the table
// (FillPermissionMap), so the two cannot disagree.
public static class Dom0MsrPolicy
{
    private const Dom0MsrAccess Refuse = Dom0MsrAccess.Refuse, Pass = Dom0MsrAccess.PassThrough,
        Emulate = Dom0MsrAccess.Emulate, Checked = Dom0MsrAccess.Checked;

    // NB_CFG bit 46, EnableCf8ExtCfg: port CF8h reaches configuration registers 100h-FFFh.
    public const ulong NbCfgExtendedConfiguration = 1UL << 46;

    private const string VmcbHeld = "VMLOAD/VMSAVE switch it with Dom0's VMCB: Dom0's own state";
    private const string MachineCheck = "Dom0 handles machine checks (Redoubt has no MCA handler): Linux's MCE code reads and clears the banks, and faults on them are fatal to it";
    private const string Mtrr = "read: Linux keeps its memory types in step with them; write: accepted only when it changes nothing (Linux rewrites the same values when it brings CPUs up; Redoubt has made every CPU's MTRRs the boot CPU's), else refused: the MTRRs are the memory types of Redoubt and every VM";
    private const string Performance = "performance counters count Redoubt's and VMs' work on this CPU too (no counter virtualization); Linux then reports no PMU";

    private static readonly Dom0MsrRange[] s_table =
    [
        // Switched by VMLOAD/VMSAVE: Dom0's own copies.
        new(0x174, 0x176, Pass, Pass, 0, "SYSENTER_CS/ESP/EIP: " + VmcbHeld),
        new(0xC000_0081, 0xC000_0084, Pass, Pass, 0, "STAR, LSTAR, CSTAR, SFMASK: " + VmcbHeld),
        new(0xC000_0100, 0xC000_0102, Pass, Pass, 0, "FS_BASE, GS_BASE, KERNEL_GS_BASE: " + VmcbHeld),
        // Emulated.
        new(MsrNumber.Efer, MsrNumber.Efer, Emulate, Emulate, 0, "EFER: VMRUN needs SVME in Dom0's EFER; reads hide it, writes are checked and keep it (MsrPolicy's EFER rule)"),
        new(MsrNumber.ApicBase, MsrNumber.ApicBase, Emulate, Emulate, 0, "IA32_APIC_BASE: reads the real value; writes only keep the APIC enabled, in xAPIC mode, at its address (x2APIC or a moved or disabled APIC would take Dom0's IPIs past Redoubt or hide the CPU from its NMIs)"),
        new(MsrNumber.Pat, MsrNumber.Pat, Emulate, Emulate, 0, "PAT: Dom0's lives in its VMCB's G_PAT; writes must name defined memory types"),
        new(MsrNumber.SpecCtrl, MsrNumber.SpecCtrl, Emulate, Emulate, 0, "SPEC_CTRL: Dom0's own value, kept in its world-switch state and loaded only while it runs; only bits the CPU has (#GP without SPEC_CTRL)"),
        new(MsrNumber.PredCmd, MsrNumber.PredCmd, Refuse, Emulate, 0, "PRED_CMD: an IBPB for Dom0's own processes, where the CPU has it; write-only"),
        // Dom0's own share of this CPU.
        new(MsrNumber.Tsc, MsrNumber.Tsc, Pass, Refuse, 0, "TSC: reads as RDTSC does; a write would move time for Redoubt and every VM"),
        new(MsrNumber.TscAux, MsrNumber.TscAux, Pass, Pass, 0, "TSC_AUX: Linux's CPU number for RDTSCP/RDPID; Dom0's vCPU n is CPU n, Redoubt keeps nothing there, and the world switch gives each VM its own"),
        new(MsrNumber.PatchLevel, MsrNumber.PatchLevel, Pass, Refuse, 0, "PATCH_LEVEL: the microcode revision Linux checks errata against; writes are Intel's BIOS_SIGN_ID protocol"),
        new(MsrNumber.MachineCheckCapabilities, MsrNumber.MachineCheckCapabilities, Pass, Refuse, 0, "MCG_CAP: " + MachineCheck),
        new(MsrNumber.MachineCheckStatus, MsrNumber.MachineCheckControl, Pass, Pass, 0, "MCG_STATUS, MCG_CTL: " + MachineCheck),
        new(0x400, 0x47F, Pass, Pass, 0, "MC0-MC31 CTL/STATUS/ADDR/MISC: " + MachineCheck),
        new(MsrNumber.MtrrCapabilities, MsrNumber.MtrrCapabilities, Pass, Refuse, 0, "MTRRcap: which MTRRs exist, for Linux's MTRR code; read-only on the CPU too"),
        new(0x200, 0x20F, Pass, Checked, 0, "MTRR_PHYSBASE0-7/PHYSMASK0-7: " + Mtrr),
        new(0x250, 0x250, Pass, Checked, 0, "MTRRfix64K_00000: " + Mtrr),
        new(0x258, 0x259, Pass, Checked, 0, "MTRRfix16K_80000/A0000: " + Mtrr),
        new(0x268, 0x26F, Pass, Checked, 0, "MTRRfix4K_C0000-F8000: " + Mtrr),
        new(MsrNumber.MtrrDefaultType, MsrNumber.MtrrDefaultType, Pass, Checked, 0, "MTRR_DEF_TYPE: " + Mtrr + "; a write that only turns the MTRRs off, as Linux does around each MTRR or PAT update, is accepted and dropped (IsMtrrOffForUpdate)"),
        new(0xC001_0010, 0xC001_0010, Pass, Refuse, 0, "SYSCFG: Linux reads it with the MTRRs (MtrrFixDramModEn, TOM2 enable); a write would change the DRAM/MMIO split or memory encryption"),
        new(0xC001_0015, 0xC001_0015, Pass, Refuse, 0, "HWCR: Linux reads it (TscFreqSel); a write would change core behaviour for Redoubt too (SMM lock, IRPERF, caches)"),
        new(0xC001_001A, 0xC001_001A, Pass, Refuse, 0, "TOP_MEM: Linux reads the DRAM/MMIO boundary; a write would move it under Redoubt"),
        new(0xC001_001D, 0xC001_001D, Pass, Refuse, 0, "TOP_MEM2: the same above 4 GiB (Linux's MTRR trimming reads it)"),
        new(MsrNumber.NbCfg, MsrNumber.NbCfg, Pass, Checked, NbCfgExtendedConfiguration, "NB_CFG: Linux's amd_bus reads it and sets EnableCf8ExtCfg (port CF8h reaches extended configuration registers, which the PCI filter must see); no other bit, as Xen allows its Dom0; families 10h-17h only"),
        new(0xC001_0140, 0xC001_0141, Pass, Refuse, 0, "OSVW_ID_LENGTH, OSVW_STATUS: errata Linux reads without a fault handler where CPUID has OSVW; read-only for Dom0"),
        new(MsrNumber.LsCfg, MsrNumber.LsCfg, Pass, Checked, 0, "LS_CFG: Linux's speculative-store-bypass control on families 15h-17h without SPEC_CTRL's SSBD; a write may change only that family's SSBD bit (CheckedWriteBits), never the other chicken bits"),
        // Named refusals.
        new(0x79, 0x79, Refuse, Refuse, 0, "BIOS_UPDT_TRIG: Intel's microcode loader"),
        new(0xC001_0020, 0xC001_0020, Refuse, Refuse, 0, "PATCH_LOADER: AMD's microcode loader; microcode is Redoubt's (Linux leaves it under a hypervisor)"),
        new(0xC001_0058, 0xC001_0058, Refuse, Refuse, 0, "MMIO_CONF_BASE: moving the configuration window would reach memory Redoubt keeps; Dom0 finds it in ACPI's MCFG"),
        new(0xC001_0111, 0xC001_0113, Refuse, Refuse, 0, "SMM_BASE, SMM_ADDR, SMM_MASK: SMM is the firmware's; TSEG must not move"),
        new(0x1D9, 0x1D9, Refuse, Refuse, 0, "DEBUGCTL: LBR and BTF would record or step Redoubt's branches (no LBR virtualization)"),
        new(0x1DB, 0x1DE, Refuse, Refuse, 0, "LastBranch/LastException From/To IP: branches of Redoubt and VMs"),
        new(0xC001_0000, 0xC001_0007, Refuse, Refuse, 0, "PERF_CTL0-3/PERF_CTR0-3: " + Performance),
        new(0xC001_0200, 0xC001_020B, Refuse, Refuse, 0, "PERF_CTL0-5/PERF_CTR0-5 (core): " + Performance),
        new(0xC001_0230, 0xC001_023F, Refuse, Refuse, 0, "L3 PERF_CTL/PERF_CTR: " + Performance),
        new(0xC001_0240, 0xC001_0247, Refuse, Refuse, 0, "NB/DF PERF_CTL/PERF_CTR: " + Performance),
        new(0xC001_1030, 0xC001_103C, Refuse, Refuse, 0, "IBS fetch/op control and data: instruction samples of Redoubt and VMs"),
        new(0xE7, 0xE8, Refuse, Refuse, 0, "MPERF, APERF: " + Performance),
        new(0xC000_00E9, 0xC000_00E9, Refuse, Refuse, 0, "IRPerfCount: " + Performance),
        new(0x3B, 0x3B, Refuse, Refuse, 0, "TSC_ADJUST: would move time for Redoubt and every VM"),
        new(0xC000_0104, 0xC000_0104, Refuse, Refuse, 0, "TSC_RATIO: SVM's; SVM stays hidden"),
        new(0xC001_0114, 0xC001_0118, Refuse, Refuse, 0, "VM_CR, IGNNE, SMM_CTL, VM_HSAVE_PA, SVM_KEY: SVM's; a CPU without SVM faults on them"),
        new(0xC001_011F, 0xC001_011F, Refuse, Refuse, 0, "VIRT_SPEC_CTRL: a hypervisor's interface Redoubt does not offer (SPEC_CTRL is)"),
        new(0xC001_0131, 0xC001_0131, Refuse, Refuse, 0, "SEV_STATUS: SVM's (memory encryption state); SVM stays hidden"),
        new(0xC001_1028, 0xC001_1029, Refuse, Refuse, 0, "FP_CFG, DE_CFG: core-wide errata and LFENCE settings, Redoubt's"),
        new(0xDA0, 0xDA0, Refuse, Refuse, 0, "XSS: supervisor state components the world switch does not switch"),
        new(0x800, 0x8FF, Refuse, Refuse, 0, "x2APIC registers: x2APIC mode is refused (INIT and STARTUP would pass Redoubt)"),
    ];

    public static ReadOnlySpan<Dom0MsrRange> Table => s_table;

    // The table's entry for msr, or -1: then msr is refused both ways.
    public static int Find(uint msr)
    {
        for (int i = 0; i < s_table.Length; i++)
        {
            if (s_table[i].Contains(msr))
                return i;
        }
        return -1;
    }

    public static Dom0MsrAccess Decide(uint msr, bool write)
    {
        int index = Find(msr);
        if (index < 0)
            return Refuse;
        return write ? s_table[index].Write : s_table[index].Read;
    }

    // The bits a Checked write may change (0 for other MSRs).
    public static ulong WritableBits(uint msr)
    {
        int index = Find(msr);
        return index < 0 ? 0 : s_table[index].WritableBits;
    }

    // A Checked write: only writable bits differ from the register's current value.
    public static bool IsAllowedCheckedWrite(ulong writableBits, ulong current, ulong value) => ((value ^ current) & ~writableBits) == 0;

    // MTRR_DEF_TYPE: E (bit 11), FE (bit 10), the default type (bits 7:0).
    private const ulong MtrrEnable = 1UL << 11, MtrrOffForUpdateBits = 0xCFF;

    // A write of MTRR_DEF_TYPE that turns the MTRRs off (E clear) and changes nothing but E, FE
    // and the default type: what Linux writes before it updates MTRRs or PAT, writing the old
    // value back after. Accepted and dropped (not carried out): the MTRRs stay Redoubt's, and
    // the value written back is then the current one.
    public static bool IsMtrrOffForUpdate(uint msr, ulong current, ulong value) =>
        msr == MsrNumber.MtrrDefaultType && (value & MtrrEnable) == 0 && ((value ^ current) & ~MtrrOffForUpdateBits) == 0;

    // The bits a Checked write of msr may change on a CPU of this family: the table's, except
    // where the MSR or its bit depends on the family. 0 means the write is refused, and the
    // register is not read (Redoubt would fault on one the CPU lacks). NB_CFG exists on families
    // 10h-17h (Xen and Linux's amd_bus assume the same); LS_CFG's SSBD is bit 54 on 15h, 33 on
    // 16h and 10 on 17h (Linux's bsp_init_amd), and later families have SPEC_CTRL's SSBD.
    public static ulong CheckedWriteBits(uint msr, ulong tableBits, uint family) => msr switch
    {
        MsrNumber.NbCfg => family >= 0x10 && family <= 0x17 ? tableBits : 0,
        MsrNumber.LsCfg => family == 0x15 ? 1UL << 54 : family == 0x16 ? 1UL << 33 : family == 0x17 ? 1UL << 10 : 0,
        _ => tableBits,
    };

    // Whether a Checked write of msr reads the register at all (see CheckedWriteBits).
    public static bool HostHas(uint msr, uint family) => msr is not (MsrNumber.NbCfg or MsrNumber.LsCfg) || CheckedWriteBits(msr, ulong.MaxValue, family) != 0;

    private const ulong ApicBaseAddressMask = 0x000F_FFFF_FFFF_F000, ApicX2Mode = 1UL << 10, ApicEnabled = 1UL << 11;
    private const ulong ApicBaseWritable = ApicBaseAddressMask | ApicX2Mode | ApicEnabled | (1UL << 8);

    // A write to IA32_APIC_BASE Dom0 may make: the same base address, the APIC enabled (a
    // disabled APIC takes no NMI IPI, and Redoubt's TLB shootdowns are NMIs), x2APIC mode off, no
    // reserved bit; the BSP bit as the CPU takes it.
    public static bool IsAllowedApicBase(ulong current, ulong value) =>
        (value & ~ApicBaseWritable) == 0 && (value & ApicX2Mode) == 0 && (value & ApicEnabled) != 0
        && (value & ApicBaseAddressMask) == (current & ApicBaseAddressMask);

    // Fills the first MsrPolicy.PermissionMapSize bytes of msrpm: every bit set (intercepted)
    // except the read and write bits of the PassThrough accesses. Three 2 KiB vectors for
    // 0-1FFFh, C000_0000h-C000_1FFFh and C001_0000h-C001_1FFFh, two bits per MSR (read, then
    // write); MSRs outside them always exit.
    public static void FillPermissionMap(Span<byte> msrpm)
    {
        msrpm = msrpm.Slice(0, MsrPolicy.PermissionMapSize);
        msrpm.Fill(0xFF);
        foreach (Dom0MsrRange range in s_table)
        {
            for (uint msr = range.First; msr <= range.Last; msr++)
            {
                int vector = MsrPolicy.PermissionVector(msr);
                if (vector < 0)
                    continue;
                int bit = (int)(msr & 0x1FFF) * 2;
                int at = vector + bit / 8;
                if (range.Read == Pass)
                    msrpm[at] &= (byte)~(1 << (bit % 8));
                if (range.Write == Pass)
                    msrpm[at] &= (byte)~(1 << (bit % 8 + 1));
            }
        }
    }
}
