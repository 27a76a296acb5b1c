using System;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Platform;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Cpu;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// Dom0's PCI configuration accesses, filtered by PciConfigFilter, through both mechanisms:
// - ports: CONFIG_ADDRESS (a dword at CF8h) is kept per CPU and never reaches the hardware;
//   CONFIG_DATA (CFCh-CFFh) is carried out by Redoubt for the function it names;
// - ECAM: the whole window is left out of Dom0's nested table, so each access is a nested page
//   fault, decoded (MmioInstruction) and carried out here.
// Redoubt's own accesses (Dom0's, once allowed, and the filter's BAR sizing) go through ECAM
// when there is one, else through CF8h/CFCh; one lock serialises them all, so a sizing is
// never seen half-done by the other CPU.
// Safe: the ECAM window is mapped uncached in the kernel's address space (Dom0Platform) and
// only addresses inside it are touched; v is the exiting vCPU's own VMCB.
internal static unsafe class Dom0Pci
{
    public const ushort AddressPort = 0xCF8, DataPort = 0xCFC;
    private const uint Enable = 0x8000_0000, ReservedBits = 0x7F00_0000;
    private const ulong EferLongModeActive = 1UL << 10;
    private const ulong RefusalsLoggedInFull = 16, RefusalLogInterval = 1024;

    private static readonly uint[] s_address = new uint[DescriptorTables.MaxCpus];
    private static int s_lock;
    private static ulong s_refused, s_hidden;
    private static KernelCore<RangePhysicalMemory>? s_core;

    // Accesses through the ECAM window (each a nested page fault).
    public static ulong EcamAccesses;

    public static void Attach(KernelCore<RangePhysicalMemory> core) => s_core = core;

    public static bool IsConfigPort(ushort port, int size) => (port == AddressPort && size == 4) || (port >= DataPort && port < DataPort + 4);

    public static bool IsEcam(ulong physical) =>
        Dom0Platform.Platform.EcamBase != 0 && physical >= Dom0Platform.Platform.EcamStart && physical < Dom0Platform.Platform.EcamEnd;

    public static void AccessPort(Dom0Cpu cpu, ushort port, int size, bool input, ref uint value)
    {
        if (port == AddressPort)
        {
            if (input)
                value = s_address[cpu.Index];
            else
                s_address[cpu.Index] = value;
            return;
        }
        uint address = s_address[cpu.Index];
        // Configuration disabled, or AMD's extended-register bits (27:24), which Redoubt does not
        // carry: no device answers.
        if ((address & Enable) == 0 || (address & ReservedBits) != 0)
        {
            if (input)
                value = Dom0Ports.Ones(size);
            return;
        }
        Access((address >> 8) & 0xFFFF, (int)(address & 0xFC) + (port - DataPort), size, input, ref value);
    }

    // A nested page fault inside the ECAM window; false when the instruction is not a plain
    // load or store (the caller refuses it).
    public static bool AccessEcam(KernelCore<RangePhysicalMemory> core, SvmVcpu dom0, byte* v, ulong physical)
    {
        bool longMode = (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;
        bool operand32 = (*(ushort*)(v + Vmcb.Cs + 2) & (1 << 10)) != 0;
        Span<byte> code = new Span<byte>(dom0.CodeScratch);
        code = code.Slice(0, Dom0Runner.FetchCode(core, v, code, longMode));
        if (MmioInstruction.Decode(code, longMode, operand32, out MmioAccess access) != MmioDecodeStatus.Success
            || access.Kind is not (MmioAccessKind.Read or MmioAccessKind.Write or MmioAccessKind.WriteImmediate))
            return false;
        EcamAccesses++;
        ulong relative = physical - Dom0Platform.Platform.EcamBase;
        uint function = (uint)(relative >> 12) & 0xFFFF;
        int offset = (int)(relative & 0xFFF);
        bool input = access.Kind == MmioAccessKind.Read;
        uint value = 0;
        if (access.Kind == MmioAccessKind.WriteImmediate)
            value = (uint)access.Immediate;
        else if (!input)
            value = (uint)(GuestRegisters.Read(dom0, v, access.Register) >> (access.HighByte ? 8 : 0));
        if (access.Size == 8)
        {
            // Configuration requests are at most a dword: a quadword is refused whole.
            Count(ref s_refused, function, offset, input, PciRule.BadAccess);
            value = uint.MaxValue;
        }
        else
        {
            value &= Dom0Ports.Ones(access.Size);
            Access(function, offset, access.Size, input, ref value);
        }
        if (input)
            GuestRegisters.WriteSized(dom0, v, access.Register, access.Size == 8 ? ulong.MaxValue : value, access.RegisterSize, access.HighByte);
        *(ulong*)(v + Vmcb.Rip) += access.Length;
        return true;
    }

    private static void Access(uint function, int offset, int size, bool input, ref uint value)
    {
        var hardware = new PciHardware();
        PciVerdict verdict;
        PciRule rule;
        fixed (int* lockWord = &s_lock)
        {
            SpinLock.Acquire(lockWord);
            if (input)
            {
                verdict = PciConfigFilter.Read(ref hardware, function, offset, size, out rule);
                value = verdict == PciVerdict.Allow ? hardware.ReadSized(function, offset, size) : Dom0Ports.Ones(size);
            }
            else
            {
                verdict = PciConfigFilter.Write(ref hardware, new Dom0DecodePolicy(s_core!), function, offset, size, value, out rule);
                if (verdict == PciVerdict.Allow)
                    hardware.WriteSized(function, offset, size, value);
            }
            SpinLock.Release(lockWord);
        }
        if (verdict == PciVerdict.Refuse)
            Count(ref s_refused, function, offset, input, rule, value);
        else if (verdict == PciVerdict.Hide && !input)
            Count(ref s_hidden, function, offset, input, rule, value);
    }

    private static void Count(ref ulong counter, uint function, int offset, bool input, PciRule rule, uint value = 0)
    {
        counter++;
        if (counter > RefusalsLoggedInFull && counter % RefusalLogInterval != 0)
            return;
        Log.Warn("dom0"u8).Text("refused PCI configuration "u8).Text(input ? "read"u8 : "write"u8).Text(" of "u8).Hex(value)
            .Text(" at bus "u8).Decimal(function >> 8).Text(" device "u8).Decimal((function >> 3) & 0x1F).Text(" function "u8).Decimal(function & 7)
            .Text(" offset "u8).Hex((ulong)offset)
            .Text(": "u8).Text(PciRuleNames.Of(rule)).Text(", "u8).Decimal(counter).Text(" so far"u8).End();
    }

    // Configuration space as Redoubt itself reaches it. Callers hold s_lock.
    private struct PciHardware : IPciConfig
    {
        public uint Read(uint function, int offset) => ReadSized(function, offset, 4);

        public void Write(uint function, int offset, uint value) => WriteSized(function, offset, 4, value);

        public uint ReadSized(uint function, int offset, int size)
        {
            if (TryEcam(function, offset, out byte* at))
                return size == 1 ? *(byte*)at : size == 2 ? *(ushort*)at : *(uint*)at;
            if (offset >= 256)
                return Dom0Ports.Ones(size);
            Cpu.Cpu.OutDword(AddressPort, Enable | function << 8 | (uint)(offset & 0xFC));
            return Dom0Ports.In((ushort)(DataPort + (offset & 3)), size);
        }

        public void WriteSized(uint function, int offset, int size, uint value)
        {
            if (TryEcam(function, offset, out byte* at))
            {
                if (size == 1)
                    *(byte*)at = (byte)value;
                else if (size == 2)
                    *(ushort*)at = (ushort)value;
                else
                    *(uint*)at = value;
                return;
            }
            if (offset >= 256)
                return;
            Cpu.Cpu.OutDword(AddressPort, Enable | function << 8 | (uint)(offset & 0xFC));
            Dom0Ports.Out((ushort)(DataPort + (offset & 3)), size, value);
        }

        private static bool TryEcam(uint function, int offset, out byte* at)
        {
            ulong address = Dom0Platform.Platform.EcamBase + ((ulong)function << 12) + (ulong)offset;
            at = (byte*)address;
            return IsEcam(address);
        }
    }

    // Where Dom0's devices may decode: Dom0Devices' answer.
    private readonly struct Dom0DecodePolicy : IDecodePolicy
    {
        private readonly KernelCore<RangePhysicalMemory> _core;

        public Dom0DecodePolicy(KernelCore<RangePhysicalMemory> core) => _core = core;

        public bool MayDecode(ulong first, ulong last) => Dom0Devices.MayDecode(_core, first, last);
    }
}
