using System;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// Dom0's local APIC. Dom0 owns it, but its page is left out of Dom0's nested table so that
// every access arrives here: decoded (MmioInstruction), checked to be an aligned 32-bit register
// access, and carried out on this CPU's own APIC; RIP then moves past the instruction. The one
// thing Redoubt does itself is start Dom0's secondary CPUs: an INIT (assert) to a parked vCPU
// arms it, the next STARTUP starts it in real mode at the vector's page on its own CPU; neither
// reaches the hardware, so no CPU ever starts outside Redoubt. A write to the APIC ID register is
// dropped (logged): Redoubt sends its TLB-shootdown NMIs by physical APIC ID, and a CPU with
// another ID would miss them. Other writes, IPIs (fixed, NMI, to anyone) included, go out as
// Dom0 wrote them: a software-disabled APIC (SVR bit 8 clear) still takes NMI IPIs, and logical
// destinations (LDR, DFR) play no part in Redoubt's physical-destination NMIs.
// Safe: v is the exiting vCPU's own VMCB; the APIC page is mapped uncached by LocalApic.
internal static unsafe class Dom0Apic
{
    private const int ApicIdRegister = 0x20, CommandLow = 0x300, CommandHigh = 0x310;
    private static ulong s_refusedIdWrites;
    private const uint DeliveryModeMask = 7u << 8, DeliveryInit = 5u << 8, DeliveryStartup = 6u << 8;
    private const uint LogicalDestination = 1u << 11, LevelAssert = 1u << 14, ShorthandMask = 3u << 18;
    private const uint ShorthandSelf = 1u << 18, ShorthandAll = 2u << 18, ShorthandOthers = 3u << 18;
    private const ulong EferLongModeActive = 1UL << 10;
    private const byte VectorGeneralProtection = 13;

    public static bool IsApicPage(ulong guestPhysical) => LocalApic.Base != 0 && guestPhysical >> 12 == LocalApic.Base >> 12;

    // False when the access is not one Redoubt carries out (the caller refuses it).
    public static bool Emulate(KernelCore<RangePhysicalMemory> core, Dom0Cpu cpu, byte* v, ulong guestPhysical)
    {
        SvmVcpu dom0 = cpu.Vcpu;
        bool longMode = (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;
        bool operand32 = (*(ushort*)(v + Vmcb.Cs + 2) & (1 << 10)) != 0;   // CS.D
        Span<byte> code = new Span<byte>(dom0.CodeScratch);
        int fetched = Dom0Runner.FetchCode(core, v, code, longMode);
        MmioDecodeStatus status = MmioInstruction.Decode(code.Slice(0, fetched), longMode, operand32, out MmioAccess access);
        int register = (int)(guestPhysical & 0xFFF);
        if (status != MmioDecodeStatus.Success || access.Size != 4 || (register & 0xF) != 0)
        {
            Log.Warn("dom0"u8).Text("APIC access at "u8).Hex(guestPhysical).Text(" refused: decode status "u8).Decimal((ulong)status)
                .Text(", size "u8).Decimal((ulong)access.Size).End();
            return false;
        }
        switch (access.Kind)
        {
            case MmioAccessKind.Read:
                GuestRegisters.Write(dom0, v, access.Register, LocalApic.Read(register));
                break;
            case MmioAccessKind.Write:
                Write(cpu, register, (uint)GuestRegisters.Read(dom0, v, access.Register));
                break;
            case MmioAccessKind.WriteImmediate:
                Write(cpu, register, (uint)access.Immediate);
                break;
            case MmioAccessKind.Exchange:
                uint old = LocalApic.Read(register);
                Write(cpu, register, (uint)GuestRegisters.Read(dom0, v, access.Register));
                GuestRegisters.Write(dom0, v, access.Register, old);
                break;
            default:
                return false;
        }
        *(ulong*)(v + Vmcb.Rip) += (ulong)access.Length;
        return true;
    }

    // IA32_APIC_BASE: reads are the real value; writes only as Dom0MsrPolicy allows.
    public static bool AccessBaseMsr(bool write, ref ulong value)
    {
        ulong current = Cpu.Cpu.ReadMsr(MsrNumber.ApicBase);
        if (!write)
        {
            value = current;
            return true;
        }
        if (!Dom0MsrPolicy.IsAllowedApicBase(current, value))
            return false;
        Cpu.Cpu.WriteMsr(MsrNumber.ApicBase, value);
        return true;
    }

    // The target CPU halts with interrupts off until an NMI; one sent before it reached its HLT
    // is lost, so NMIs go out until it answers (at once, in practice), for at most ~100 ms.
    private static void Wake(Dom0Cpu target)
    {
        for (int attempt = 0; attempt < 100 && target.StartState != Dom0Cpu.Running; attempt++)
        {
            Dom0Cpus.SendRedoubtNmi(target);
            for (int spin = 0; spin < 20_000 && target.StartState != Dom0Cpu.Running; spin++)
                Cpu.Cpu.Pause();
        }
    }

    private static void Write(Dom0Cpu cpu, int register, uint value)
    {
        if (register == ApicIdRegister)
        {
            if (++s_refusedIdWrites <= 16)
                Log.Warn("dom0"u8).Text("CPU "u8).Decimal((ulong)cpu.Index).Text(": write of "u8).Hex(value)
                    .Text(" to the APIC ID register dropped: Redoubt's NMIs address the CPU by its APIC ID"u8).End();
            return;
        }
        uint mode = value & DeliveryModeMask;
        if (register != CommandLow || (mode != DeliveryInit && mode != DeliveryStartup))
        {
            LocalApic.Write(register, value);
            return;
        }
        uint shorthand = value & ShorthandMask;
        if (shorthand == ShorthandSelf || (shorthand == 0 && (value & LogicalDestination) != 0))
        {
            Log.Warn("dom0"u8).Text("CPU "u8).Decimal((ulong)cpu.Index).Text(": INIT/STARTUP to itself or by logical destination ignored"u8).End();
            return;
        }
        uint destination = LocalApic.Read(CommandHigh) >> 24;
        foreach (Dom0Cpu target in Dom0Cpus.All)
        {
            bool addressed = shorthand == ShorthandAll || (shorthand == ShorthandOthers && target != cpu)
                || (shorthand == 0 && target.ApicId == destination);
            if (!addressed || target == cpu)
                continue;
            if (mode == DeliveryInit)
            {
                // INIT de-assert (level 0) carries no meaning of its own.
                if ((value & LevelAssert) != 0 && target.StartState == Dom0Cpu.Parked)
                    target.StartState = Dom0Cpu.InitReceived;
                continue;
            }
            if (target.StartState == Dom0Cpu.InitReceived)
            {
                target.StartVector = (int)(value & 0xFF);
                target.StartState = Dom0Cpu.Started;
                Wake(target);
                Log.Info("dom0"u8).Text("Dom0 starts CPU "u8).Decimal((ulong)target.Index).Text(" (APIC ID "u8).Decimal(target.ApicId)
                    .Text(") at "u8).Hex((ulong)target.StartVector << 12).End();
            }
        }
    }
}
