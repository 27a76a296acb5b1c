using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// Dom0's VMCBs. The boot vCPU starts at Linux's 32-bit entry (boot protocol "32-bit Boot
// Protocol"): flat protected mode without paging, CS = __BOOT_CS (10h), the data segments =
// __BOOT_DS (18h), interrupts off, ESI = the zero page (set by the caller), EBX, EBP and EDI zero.
// A secondary vCPU starts as a CPU does after INIT and STARTUP: real mode at vector * 4 KiB.
// Intercepts are the few Dom0 is not trusted with (docs/dom0.md): CPUID, the permission maps'
// ports and MSRs, INVD, SHUTDOWN, INIT, NMI (so that Redoubt's TLB shootdowns reach a CPU in Dom0;
// Dom0's own NMIs are passed back), SMI (taken in Redoubt instead, so that the firmware's SMM
// code never runs in Dom0's context, as KVM and Xen do), VMMCALL and SVM's own instructions; the APIC page is not
// mapped, so its accesses arrive as nested page faults. No INTR or HLT intercept and no
// V_INTR_MASKING: physical interrupts are delivered through Dom0's own IDT while it runs, and
// HLT halts the CPU until the next one.
// Safe: vmcb points at Dom0's own VMCB frame, which the kernel maps writable.
internal static unsafe class Dom0Vmcb
{
    private const ulong Cr0ProtectionEnable = 1, Cr0ExtensionType = 1UL << 4, EferSvmEnable = 1UL << 12;
    private const ushort BootCodeSelector = 0x10, BootDataSelector = 0x18;

    public static void InitializeBoot(ulong vmcb, ulong nestedRoot, uint asid, ulong iopm, ulong msrpm, in Dom0Entry entry)
    {
        byte* v = (byte*)vmcb;
        InitializeControls(v, nestedRoot, asid, iopm, msrpm);
        // Attributes: type, S, P, DPL 0; D/B and G set: 4 GiB flat 32-bit segments.
        SetSegment(v + Vmcb.Cs, BootCodeSelector, 0xC9B, 0xFFFF_FFFF);
        SetSegment(v + Vmcb.Ds, BootDataSelector, 0xC93, 0xFFFF_FFFF);
        SetSegment(v + Vmcb.Es, BootDataSelector, 0xC93, 0xFFFF_FFFF);
        SetSegment(v + Vmcb.Ss, BootDataSelector, 0xC93, 0xFFFF_FFFF);
        SetSegment(v + Vmcb.Fs, BootDataSelector, 0xC93, 0xFFFF_FFFF);
        SetSegment(v + Vmcb.Gs, BootDataSelector, 0xC93, 0xFFFF_FFFF);
        *(ulong*)(v + Vmcb.Cr0) = Cr0ProtectionEnable | Cr0ExtensionType;
        *(ulong*)(v + Vmcb.Rip) = entry.KernelAddress;
    }

    // After STARTUP: CS selector vector << 8, base vector << 12, IP 0, 64 KiB real-mode segments.
    public static void InitializeStartup(ulong vmcb, ulong nestedRoot, uint asid, ulong iopm, ulong msrpm, int vector)
    {
        byte* v = (byte*)vmcb;
        InitializeControls(v, nestedRoot, asid, iopm, msrpm);
        SetSegment(v + Vmcb.Cs, (ushort)(vector << 8), 0x9B, 0xFFFF);
        *(ulong*)(v + Vmcb.Cs + 8) = (ulong)vector << 12;
        SetSegment(v + Vmcb.Ds, 0, 0x93, 0xFFFF);
        SetSegment(v + Vmcb.Es, 0, 0x93, 0xFFFF);
        SetSegment(v + Vmcb.Ss, 0, 0x93, 0xFFFF);
        SetSegment(v + Vmcb.Fs, 0, 0x93, 0xFFFF);
        SetSegment(v + Vmcb.Gs, 0, 0x93, 0xFFFF);
        *(ulong*)(v + Vmcb.Cr0) = Cr0ExtensionType;
        *(ulong*)(v + Vmcb.Rip) = 0;
    }

    private static void InitializeControls(byte* v, ulong nestedRoot, uint asid, ulong iopm, ulong msrpm)
    {
        new System.Span<byte>(v, 4096).Clear();
        *(uint*)(v + Vmcb.InterceptMisc1) = Vmcb.InterceptNmi | Vmcb.InterceptSmi | Vmcb.InterceptInit | Vmcb.InterceptCpuid | Vmcb.InterceptInvd | Vmcb.InterceptInvlpga
            | Vmcb.InterceptIoio | Vmcb.InterceptMsr | Vmcb.InterceptShutdown;
        *(uint*)(v + Vmcb.InterceptMisc2) = Vmcb.InterceptVmrun | Vmcb.InterceptVmmcall | Vmcb.InterceptVmload | Vmcb.InterceptVmsave
            | Vmcb.InterceptStgi | Vmcb.InterceptClgi | Vmcb.InterceptSkinit;
        *(ulong*)(v + Vmcb.IopmBase) = iopm;
        *(ulong*)(v + Vmcb.MsrpmBase) = msrpm;
        *(uint*)(v + Vmcb.GuestAsid) = asid;
        *(v + Vmcb.TlbControl) = 1;
        *(ulong*)(v + Vmcb.NestedPagingEnable) = 1;
        *(ulong*)(v + Vmcb.NestedCr3) = nestedRoot;
        SetSegment(v + Vmcb.Gdtr, 0, 0, 0xFFFF);
        SetSegment(v + Vmcb.Idtr, 0, 0, 0xFFFF);
        SetSegment(v + Vmcb.Ldtr, 0, 0x82, 0xFFFF);
        SetSegment(v + Vmcb.Tr, 0, 0x8B, 0xFFFF);

        // SVME must be set in the guest's EFER for VMRUN; Dom0 reads EFER without it.
        *(ulong*)(v + Vmcb.Efer) = EferSvmEnable;
        *(ulong*)(v + Vmcb.Rflags) = 2;
        *(ulong*)(v + Vmcb.Dr6) = 0xFFFF0FF0;
        *(ulong*)(v + Vmcb.Dr7) = 0x400;
        *(ulong*)(v + Vmcb.GuestPat) = 0x0007040600070406;
    }

    private static void SetSegment(byte* segment, ushort selector, ushort attributes, uint limit)
    {
        *(ushort*)segment = selector;
        *(ushort*)(segment + 2) = attributes;
        *(uint*)(segment + 4) = limit;
        *(ulong*)(segment + 8) = 0;
    }
}
