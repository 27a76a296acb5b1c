using Redoubt.Kernel.Boot;

namespace Redoubt.Kernel.Platform;

// The ports through which software resets, puts to sleep or powers off the machine, and what
// Redoubt lets Dom0 do with them (docs/dom0.md, "Platform control"):
// - the FADT's reset register written with its reset value: Dom0's reboot request, which
//   Redoubt carries out itself after scrubbing (Reset);
// - every other reset: the reset control register's CPU reset (CF9h bit 2), the fast reset
//   (92h bit 0), the keyboard controller's reset pulse (64h commands F0h-FFh with bit 0 clear)
//   and output-port write (D1h): refused; so is turning A20 off (92h bit 1, command DDh), which
//   would mask address bit 20 of Redoubt's own accesses on CPUs that still honour it;
// - PM1 control with SLP_EN: S5 (the DSDT's \_S5_ type) is Dom0's power-off, carried out by
//   Redoubt after scrubbing (PowerOff); any other sleep type is refused (RefuseSleep), and the
//   PM1a status register then reads WAK_STS set until Dom0 clears it, so Dom0 goes on as after
//   a wake-up; an S4BIOS request at SMI_CMD is refused;
// - everything else at these ports (PM1 bits other than SLP_EN, keyboard traffic, the reset
//   control register's other bits, SMI commands) passes through.
// PCI configuration (a dword at CF8h, CFCh-CFFh) is PciConfigFilter's.
public sealed class PlatformPortPolicy
{
    public const ushort KeyboardCommand = 0x64, FastA20 = 0x92, PciAddress = 0xCF8, ResetControl = 0xCF9, PciData = 0xCFC;
    private const byte ResetControlCpuReset = 1 << 2, FastResetBit = 1 << 0, FastA20Bit = 1 << 1;
    private const byte KeyboardWriteOutputPort = 0xD1, KeyboardDisableA20 = 0xDD;
    // PM1 control's high byte: SLP_EN (bit 13), SLP_TYP (bits 12:10); PM1 status's: WAK_STS (15).
    private const byte SleepEnable = 1 << 5, WakeStatus = 1 << 7;

    private readonly AcpiPlatform _platform;

    public PlatformPortPolicy(in AcpiPlatform platform) => _platform = platform;

    public AcpiPlatform Platform => _platform;

    // A sleep request was refused and Dom0 has not yet cleared WAK_STS.
    public bool WakePending { get; private set; }

    // The ports Redoubt intercepts for this policy.
    public bool IsMediated(ushort port) =>
        port == KeyboardCommand || port == FastA20 || (port >= PciAddress && port < PciData + 4)
        || InBlock(port, _platform.Pm1aControl, _platform.Pm1ControlLength) || InBlock(port, _platform.Pm1bControl, _platform.Pm1ControlLength)
        || InBlock(port, _platform.Pm1aControlX, _platform.Pm1ControlLength) || InBlock(port, _platform.Pm1bControlX, _platform.Pm1ControlLength)
        || InBlock(port, _platform.Pm1aStatus, StatusLength) || InBlock(port, _platform.Pm1aStatusX, StatusLength)
        || (_platform.SmiCommand != 0 && port == _platform.SmiCommand)
        || (ResetPort != 0 && port == ResetPort);

    // The decision for Dom0's OUT of size bytes (1, 2 or 4) of value at port.
    public PortVerdict Write(ushort port, int size, uint value)
    {
        ushort reset = ResetPort;
        if (reset != 0 && ByteAt(port, size, value, reset, out byte written) && written == _platform.ResetValue)
            return new PortVerdict(PortAction.Reset, PortReason.ResetRegister);
        if (ByteAt(port, size, value, ResetControl, out written) && (written & ResetControlCpuReset) != 0)
            return new PortVerdict(PortAction.Refuse, PortReason.ResetControl);
        if (ByteAt(port, size, value, FastA20, out written))
        {
            if ((written & FastResetBit) != 0)
                return new PortVerdict(PortAction.Refuse, PortReason.FastReset);
            if ((written & FastA20Bit) == 0)
                return new PortVerdict(PortAction.Refuse, PortReason.FastA20Off);
        }
        if (ByteAt(port, size, value, KeyboardCommand, out written))
        {
            if (written >= 0xF0 && (written & 1) == 0)
                return new PortVerdict(PortAction.Refuse, PortReason.KeyboardReset);
            if (written == KeyboardWriteOutputPort)
                return new PortVerdict(PortAction.Refuse, PortReason.KeyboardOutputPort);
            if (written == KeyboardDisableA20)
                return new PortVerdict(PortAction.Refuse, PortReason.KeyboardA20Off);
        }
        PortVerdict sleep = Sleep(port, size, value, _platform.Pm1aControl, false);
        if (sleep.Action == PortAction.PassThrough)
            sleep = Sleep(port, size, value, _platform.Pm1aControlX, false);
        if (sleep.Action == PortAction.PassThrough)
            sleep = Sleep(port, size, value, _platform.Pm1bControl, true);
        if (sleep.Action == PortAction.PassThrough)
            sleep = Sleep(port, size, value, _platform.Pm1bControlX, true);
        if (sleep.Action != PortAction.PassThrough)
            return sleep;
        if (WakePending && (ClearsWake(port, size, value, _platform.Pm1aStatus) || ClearsWake(port, size, value, _platform.Pm1aStatusX)))
            WakePending = false;
        if (_platform.S4BiosRequest != 0 && _platform.SmiCommand != 0 && ByteAt(port, size, value, _platform.SmiCommand, out written)
            && written == _platform.S4BiosRequest)
            return new PortVerdict(PortAction.Refuse, PortReason.S4BiosRequest);
        return PortVerdict.Pass;
    }

    // What Dom0's IN of size bytes at port reads, given what the hardware returned: WAK_STS set
    // while a refused sleep is pending.
    public uint Read(ushort port, int size, uint value)
    {
        if (!WakePending)
            return value;
        return WithWake(WithWake(value, port, size, _platform.Pm1aStatus), port, size, _platform.Pm1aStatusX);
    }

    private static uint WithWake(uint value, ushort port, int size, ushort status)
    {
        if (status != 0 && status + 1 >= port && status + 1 < port + size)
            value |= (uint)WakeStatus << (8 * (status + 1 - port));
        return value;
    }

    private int StatusLength => _platform.Pm1EventLength / 2;

    private ushort ResetPort => _platform.ResetSupported && _platform.ResetSpace == AcpiPlatform.SpaceIo ? (ushort)_platform.ResetAddress : (ushort)0;

    private PortVerdict Sleep(ushort port, int size, uint value, ushort control, bool blockB)
    {
        if (control == 0 || !ByteAt(port, size, value, (ushort)(control + 1), out byte high) || (high & SleepEnable) == 0)
            return PortVerdict.Pass;
        byte type = (byte)((high >> 2) & 7);
        if (_platform.HasS5 && type == (blockB ? _platform.S5TypeB : _platform.S5TypeA))
            return new PortVerdict(PortAction.PowerOff, PortReason.SleepS5, type);
        WakePending = true;
        bool s3 = _platform.HasS3 && type == (blockB ? _platform.S3TypeB : _platform.S3TypeA);
        return new PortVerdict(PortAction.RefuseSleep, s3 ? PortReason.SleepS3 : PortReason.SleepOther, type);
    }

    private static bool ClearsWake(ushort port, int size, uint value, ushort status) =>
        status != 0 && ByteAt(port, size, value, (ushort)(status + 1), out byte high) && (high & WakeStatus) != 0;

    private static bool InBlock(ushort port, ushort start, int length) =>
        start != 0 && port >= start && port < start + (length == 0 ? 1 : length);

    // The byte an access of size bytes at port writes to target, if it covers it.
    public static bool ByteAt(ushort port, int size, uint value, ushort target, out byte written)
    {
        written = 0;
        if (target < port || target >= port + size)
            return false;
        written = (byte)(value >> (8 * (target - port)));
        return true;
    }
}
