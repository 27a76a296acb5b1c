using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Platform;

namespace Redoubt.Fuzz.Policies;

// Fuzz target over the platform ports Redoubt mediates for Dom0 (PlatformPortPolicy), with the
// FADT's choices from the input: the PM1a/PM1b control blocks, PM1a status, SMI_CMD and its
// S4BIOS value, the reset register and value, the sleep types of S3 and S5. Input: that
// platform, then repeated writes (port biased towards the mediated ones, width, value). For
// every write the policy lets through, no byte it writes is one Redoubt keeps, by an oracle of
// its own: CF9h with the CPU reset bit, 92h with the fast reset bit or A20 off, a keyboard
// controller reset pulse (F0h-FFh, bit 0 clear), output-port write (D1h) or A20 off (DDh), SLP_EN
// in a PM1 control block, the S4BIOS request at SMI_CMD. A Reset verdict is only for the reset
// register's own value, a PowerOff only for SLP_EN with S5's type.
public static class PlatformPortTarget
{
    public const string Name = "ports";

    private static readonly ushort[] s_ports = [0x64, 0x92, 0xCF9, 0xCF8, 0x60, 0x600, 0x604, 0x608, 0xB2, 0xCFB, 0x63, 0x91, 0x601, 0x605];

    // enforce: false takes every write as let through: the control that shows the oracle sees a
    // kept byte when there is one (PolicyTargetControlTests).
    public static void Run(ReadOnlySpan<byte> input, bool enforce = true)
    {
        var reader = new InputReader(input);
        var platform = new AcpiPlatform
        {
            FadtFound = true,
            Pm1aControl = Port(ref reader),
            Pm1bControl = (reader.ReadByte() & 1) != 0 ? Port(ref reader) : (ushort)0,
            Pm1ControlLength = 2,
            Pm1aStatus = Port(ref reader),
            Pm1EventLength = 4,
            SmiCommand = Port(ref reader),
            S4BiosRequest = reader.ReadByte(),
            ResetSupported = (reader.ReadByte() & 1) != 0,
            ResetSpace = AcpiPlatform.SpaceIo,
            ResetAddress = Port(ref reader),
            ResetValue = reader.ReadByte(),
            HasS3 = true,
            S3TypeA = (byte)(reader.ReadByte() & 7),
            S3TypeB = (byte)(reader.ReadByte() & 7),
            HasS5 = true,
            S5TypeA = (byte)(reader.ReadByte() & 7),
            S5TypeB = (byte)(reader.ReadByte() & 7),
        };
        var policy = new PlatformPortPolicy(platform);
        for (int step = 0; step < 64 && !reader.AtEnd; step++)
        {
            ushort port = Port(ref reader);
            int size = 1 << (reader.ReadByte() % 3);
            uint value = (uint)reader.ReadUInt16() | (uint)reader.ReadUInt16() << 16;
            PortVerdict verdict = enforce ? policy.Write(port, size, value) : PortVerdict.Pass;
            string what = $"step {step}: OUT of {size} bytes {value:x} to {port:x} -> {verdict.Action} ({verdict.Reason})";
            if (!Enum.IsDefined(verdict.Action))
                throw new FuzzFailure($"{what}: undefined action");
            bool resetRequest = platform.ResetSupported && Covers(port, size, value, (ushort)platform.ResetAddress, out byte resetByte) && resetByte == platform.ResetValue;
            if (verdict.Action == PortAction.Reset && !resetRequest)
                throw new FuzzFailure($"{what}: a reset that is not the reset register's value");
            if (verdict.Action == PortAction.PowerOff && !SleepsWith(platform, port, size, value, s5: true))
                throw new FuzzFailure($"{what}: a power-off without SLP_EN and S5's type");
            if (verdict.Action == PortAction.PassThrough && KeptByteIn(platform, port, size, value) is { } kept)
                throw new FuzzFailure($"{what}: lets through {kept}");
        }
    }

    private static readonly int[] s_neighbours = [0, 1, -1, 2];

    // A port from the input: 00h-DFh one of the mediated ones (tag % count) or a neighbour (bits
    // 5-6: itself, +1, -1, +2), E0h-FFh the next 2 bytes.
    private static ushort Port(ref InputReader reader)
    {
        byte tag = reader.ReadByte();
        return tag < 0xE0 ? (ushort)(s_ports[tag % s_ports.Length] + s_neighbours[tag >> 5 & 3]) : reader.ReadUInt16();
    }

    private static bool Covers(ushort port, int size, uint value, ushort target, out byte written)
    {
        written = (byte)(value >> (8 * (target - port)));
        return target >= port && target < port + size;
    }

    private static bool SleepsWith(in AcpiPlatform platform, ushort port, int size, uint value, bool s5)
    {
        return Sleeps(platform.Pm1aControl, platform.S5TypeA) || Sleeps(platform.Pm1bControl, platform.S5TypeB);

        bool Sleeps(ushort control, byte s5Type) =>
            control != 0 && Covers(port, size, value, (ushort)(control + 1), out byte high) && (high & 0x20) != 0
            && (!s5 || (high >> 2 & 7) == s5Type);
    }

    private static string? KeptByteIn(in AcpiPlatform platform, ushort port, int size, uint value)
    {
        if (Covers(port, size, value, 0xCF9, out byte b) && (b & 4) != 0)
            return "a CPU reset at CF9h";
        if (Covers(port, size, value, 0x92, out b) && ((b & 1) != 0 || (b & 2) == 0))
            return "a fast reset or A20 off at 92h";
        if (Covers(port, size, value, 0x64, out b) && ((b >= 0xF0 && (b & 1) == 0) || b == 0xD1 || b == 0xDD))
            return $"keyboard controller command {b:x}";
        if (SleepsWith(platform, port, size, value, s5: false))
            return "SLP_EN";
        if (platform.S4BiosRequest != 0 && platform.SmiCommand != 0 && Covers(port, size, value, platform.SmiCommand, out b) && b == platform.S4BiosRequest)
            return "the S4BIOS request";
        return null;
    }
}
