using Redoubt.Kernel.Platform;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// Dom0's accesses to the ports Redoubt mediates (PlatformPortPolicy; PCI configuration goes
// to Dom0Pci): carried out on the hardware, refused (an IN reads all ones, an OUT is dropped,
// one log line, thinned out like the other refusals), or turned into Redoubt's own reset or
// power-off. String forms (INS, OUTS) at these ports are refused whole. EXITINFO2 holds the next
// RIP for every form.
// Safe: v is the exiting vCPU's own VMCB.
internal static unsafe class Dom0Ports
{
    private const ulong IoioIn = 1, IoioString = 1 << 2;
    private const ulong RefusalsLoggedInFull = 16, RefusalLogInterval = 1024;
    private static ulong s_refused;

    // Mediated port accesses, PCI configuration (CF8h, CFCh-CFFh) and the others: figures for
    // the cost of mediation.
    public static ulong ConfigAccesses, PlatformAccesses;

    // False when the port is not one this class mediates.
    public static bool Handle(Dom0Cpu cpu, byte* v, ulong info1, ulong info2)
    {
        PlatformPortPolicy? policy = Dom0Platform.Policy;
        ushort port = (ushort)(info1 >> 16);
        int size = (int)(info1 >> 4) & 7;
        // The exit came for some byte of the access: a wider access that starts below a
        // mediated port is the policy's too (it judges every byte), unless it touches a kept one.
        if (policy is null || !Touches(policy, port, size) || Dom0Permissions.IsKeptPort(port) || Dom0Permissions.IsKeptPort((ushort)(port + size - 1)))
            return false;
        bool input = (info1 & IoioIn) != 0;
        ulong* rax = (ulong*)(v + Vmcb.Rax);
        uint value = (uint)*rax & Ones(size);
        *(ulong*)(v + Vmcb.Rip) = info2;
        if ((info1 & IoioString) != 0)
        {
            Refused(port, input, "a string instruction at a mediated port"u8);
            return true;
        }
        if (!Dom0Pci.IsConfigPort(port, size) && port + size > Dom0Pci.DataPort && port < Dom0Pci.DataPort + 4)
        {
            // Starts below CONFIG_DATA and reaches into it (a word at CFBh, a dword at CF9h):
            // carried out, it would reach the function Redoubt last addressed.
            Refused(port, input, "an access that straddles CONFIG_DATA"u8);
            value = Ones(size);
        }
        else if (Dom0Pci.IsConfigPort(port, size))
        {
            ConfigAccesses++;
            Dom0Pci.AccessPort(cpu, port, size, input, ref value);
        }
        else
        {
            PlatformAccesses++;
            if (input)
                value = policy.Read(port, size, In(port, size));
            else
                Write(policy, port, size, value);
        }
        if (input)
            *rax = size == 4 ? value : (*rax & ~(ulong)Ones(size)) | value;
        return true;
    }

    private static void Write(PlatformPortPolicy policy, ushort port, int size, uint value)
    {
        PortVerdict verdict = policy.Write(port, size, value);
        switch (verdict.Action)
        {
            case PortAction.PassThrough:
                Out(port, size, value);
                break;
            case PortAction.Reset:
                PlatformPower.Reset(PortReasonNames.Of(verdict.Reason));
                break;
            case PortAction.PowerOff:
                PlatformPower.PowerOff(port, size, value);
                break;
            default:
                s_refused++;
                if (s_refused <= RefusalsLoggedInFull || s_refused % RefusalLogInterval == 0)
                {
                    if (verdict.Action == PortAction.RefuseSleep)
                        Log.Warn("dom0"u8).Text("refused "u8).Text(PortReasonNames.Of(verdict.Reason)).Text(": write of "u8).Hex(value)
                            .Text(" to port "u8).Hex(port).Text(" (SLP_TYP "u8).Decimal(verdict.SleepType).Text("; Dom0 is told it woke up), "u8)
                            .Decimal(s_refused).Text(" platform refusals so far"u8).End();
                    else
                        Log.Warn("dom0"u8).Text("refused "u8).Text(PortReasonNames.Of(verdict.Reason)).Text(": write of "u8).Hex(value)
                            .Text(" to port "u8).Hex(port).Text(", "u8).Decimal(s_refused).Text(" platform refusals so far"u8).End();
                }
                break;
        }
    }

    private static void Refused(ushort port, bool input, System.ReadOnlySpan<byte> what)
    {
        s_refused++;
        if (s_refused <= RefusalsLoggedInFull || s_refused % RefusalLogInterval == 0)
            Log.Warn("dom0"u8).Text("refused "u8).Text(what).Text(input ? ": read of port "u8 : ": write of port "u8).Hex(port)
                .Text(", "u8).Decimal(s_refused).Text(" platform refusals so far"u8).End();
    }

    private static bool Touches(PlatformPortPolicy policy, ushort port, int size)
    {
        for (int i = 0; i < size; i++)
        {
            if (policy.IsMediated((ushort)(port + i)))
                return true;
        }
        return false;
    }

    public static uint Ones(int size) => size == 4 ? uint.MaxValue : (1u << (8 * size)) - 1;

    public static uint In(ushort port, int size) => size switch
    {
        1 => Cpu.Cpu.InByte(port),
        2 => Cpu.Cpu.InWord(port),
        _ => Cpu.Cpu.InDword(port),
    };

    public static void Out(ushort port, int size, uint value)
    {
        if (size == 1)
            Cpu.Cpu.OutByte(port, (byte)value);
        else if (size == 2)
            Cpu.Cpu.OutWord(port, (ushort)value);
        else
            Cpu.Cpu.OutDword(port, value);
    }
}
