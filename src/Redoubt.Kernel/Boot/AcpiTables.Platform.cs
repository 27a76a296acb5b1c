using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// The FADT's power and reset controls, the DSDT's S3 and S5 sleep types and the MCFG's window
// (AcpiPlatform). A missing FADT or MCFG is no error (the fields stay 0); a DSDT that cannot be
// read or names no \_S5_ leaves HasS5 false (Dom0 then cannot power off: every sleep request
// is refused). Registers Redoubt could not mediate fail the whole read.
public static partial class AcpiTables
{
    // FADT (ACPI 6.5 table 5.9): FIRMWARE_CTRL 36, DSDT 40, SMI_CMD 48 (u32), S4BIOS_REQ 54,
    // PM1a_EVT_BLK 56, PM1b_EVT_BLK 60, PM1a_CNT_BLK 64, PM1b_CNT_BLK 68 (u32 ports),
    // PM1_EVT_LEN 88, PM1_CNT_LEN 89, Flags 112, RESET_REG 116 (GAS), RESET_VALUE 128,
    // X_FIRMWARE_CTRL 132, X_DSDT 140, X_PM1a_EVT_BLK 148, X_PM1b_EVT_BLK 160,
    // X_PM1a_CNT_BLK 172, X_PM1b_CNT_BLK 184 (GAS, 12 bytes each).
    private const int FadtFacs = 36, FadtDsdt = 40, FadtSmiCommand = 48, FadtS4BiosRequest = 54;
    private const int FadtPm1aEvent = 56, FadtPm1aControl = 64, FadtPm1bControl = 68, FadtPm1EventLength = 88, FadtPm1ControlLength = 89;
    private const int FadtFlags = 112, FadtResetRegister = 116, FadtResetValue = 128, FadtXFacs = 132, FadtXDsdt = 140;
    private const int FadtXPm1aEvent = 148, FadtXPm1aControl = 172, FadtXPm1bControl = 184, GasSize = 12;
    // ACPI 1.0's FADT is 116 bytes: everything up to the flags.
    private const uint FadtMinimumLength = 116;
    private const uint ResetRegisterSupported = 1 << 10;
    // MCFG: 8 reserved bytes after the header, then 16-byte entries: base (u64), segment (u16),
    // start bus, end bus, 4 reserved.
    private const int McfgFirstEntry = 44, McfgEntrySize = 16;
    private const ulong EcamBusSize = 1 << 20;

    public static AcpiStatus ReadPlatform<TMemory>(ref TMemory memory, ulong rsdp, out AcpiPlatform platform)
        where TMemory : struct, IAcpiMemory
    {
        platform = default;
        AcpiStatus status = FindTable(ref memory, rsdp, AcpiSignature.Fadt, out ulong fadt, out uint fadtLength);
        if (status == AcpiStatus.Success)
            status = DecodeFadt(ref memory, fadt, fadtLength, ref platform);
        if (status != AcpiStatus.Success && status != AcpiStatus.NotFound)
            return status;
        status = FindTable(ref memory, rsdp, AcpiSignature.Mcfg, out ulong mcfg, out uint mcfgLength);
        if (status == AcpiStatus.Success)
            status = DecodeMcfg(ref memory, mcfg, mcfgLength, ref platform);
        return status == AcpiStatus.NotFound ? AcpiStatus.Success : status;
    }

    private static AcpiStatus DecodeFadt<TMemory>(ref TMemory memory, ulong address, uint length, ref AcpiPlatform platform)
        where TMemory : struct, IAcpiMemory
    {
        if (length < FadtMinimumLength)
            return AcpiStatus.BadTableLength;
        Span<byte> fadt = stackalloc byte[FadtXPm1bControl + GasSize];
        fadt.Clear();
        int known = length < (uint)fadt.Length ? (int)length : fadt.Length;
        if (!TryRead(ref memory, address, fadt.Slice(0, known)))
            return AcpiStatus.TableUnreadable;
        platform.FadtFound = true;
        byte controlLength = fadt[FadtPm1ControlLength], eventLength = fadt[FadtPm1EventLength];
        platform.Pm1ControlLength = controlLength;
        platform.Pm1EventLength = eventLength;
        if (!TryPort(LittleEndian.ReadUInt32(fadt, FadtPm1aControl), controlLength, out ushort a)
            || !TryPort(LittleEndian.ReadUInt32(fadt, FadtPm1bControl), controlLength, out ushort b)
            || !TryPort(LittleEndian.ReadUInt32(fadt, FadtPm1aEvent), eventLength, out ushort e)
            || !TryPort(LittleEndian.ReadUInt32(fadt, FadtSmiCommand), 1, out ushort smi)
            || !TryGasPort(fadt, FadtXPm1aControl, known, controlLength, out ushort ax)
            || !TryGasPort(fadt, FadtXPm1bControl, known, controlLength, out ushort bx)
            || !TryGasPort(fadt, FadtXPm1aEvent, known, eventLength, out ushort ex))
            return AcpiStatus.UnsupportedRegister;
        platform.Pm1aControl = a;
        platform.Pm1bControl = b;
        platform.Pm1aControlX = ax == a ? (ushort)0 : ax;
        platform.Pm1bControlX = bx == b ? (ushort)0 : bx;
        platform.Pm1aStatus = e;
        platform.Pm1aStatusX = ex == e ? (ushort)0 : ex;
        platform.SmiCommand = smi;
        platform.S4BiosRequest = fadt[FadtS4BiosRequest];
        platform.Facs = LittleEndian.ReadUInt32(fadt, FadtFacs);
        platform.Dsdt = LittleEndian.ReadUInt32(fadt, FadtDsdt);
        if (known >= FadtXDsdt + 8)
        {
            ulong xFacs = LittleEndian.ReadUInt64(fadt, FadtXFacs), xDsdt = LittleEndian.ReadUInt64(fadt, FadtXDsdt);
            if (xFacs != 0)
                platform.Facs = xFacs;
            if (xDsdt != 0)
                platform.Dsdt = xDsdt;
        }
        if (known > FadtResetValue && (LittleEndian.ReadUInt32(fadt, FadtFlags) & ResetRegisterSupported) != 0)
        {
            byte space = fadt[FadtResetRegister];
            ulong resetAddress = LittleEndian.ReadUInt64(fadt, FadtResetRegister + 4);
            if ((space != AcpiPlatform.SpaceIo && space != AcpiPlatform.SpaceMemory && space != AcpiPlatform.SpacePciConfig)
                || (space == AcpiPlatform.SpaceIo && resetAddress > 0xFFFF))
                return AcpiStatus.UnsupportedRegister;
            platform.ResetSupported = resetAddress != 0;
            platform.ResetSpace = space;
            platform.ResetAddress = resetAddress;
            platform.ResetValue = fadt[FadtResetValue];
        }
        ReadSleepTypes(ref memory, ref platform);
        return AcpiStatus.Success;
    }

    // A 32-bit block address as an I/O port range that ends at or below FFFFh; 0 is absent.
    private static bool TryPort(uint address, byte length, out ushort port)
    {
        port = (ushort)address;
        return address == 0 || (address + (uint)(length == 0 ? 1 : length) <= 0x1_0000);
    }

    // An X_ block (GAS): absent (address 0, or past the table), or in I/O space.
    private static bool TryGasPort(ReadOnlySpan<byte> fadt, int offset, int known, byte length, out ushort port)
    {
        port = 0;
        if (known < offset + GasSize)
            return true;
        ulong address = LittleEndian.ReadUInt64(fadt, offset + 4);
        if (address == 0)
            return true;
        return fadt[offset] == AcpiPlatform.SpaceIo && address <= 0xFFFF && TryPort((uint)address, length, out port);
    }

    private static AcpiStatus DecodeMcfg<TMemory>(ref TMemory memory, ulong address, uint length, ref AcpiPlatform platform)
        where TMemory : struct, IAcpiMemory
    {
        Span<byte> entry = stackalloc byte[McfgEntrySize];
        for (uint offset = McfgFirstEntry; offset + McfgEntrySize <= length; offset += McfgEntrySize)
        {
            if (!TryRead(ref memory, address + offset, entry))
                return AcpiStatus.TableUnreadable;
            if (LittleEndian.ReadUInt16(entry, 8) != 0)
                continue;
            ulong ecam = LittleEndian.ReadUInt64(entry, 0);
            byte start = entry[10], end = entry[11];
            if (ecam == 0)
                continue;
            if (ecam % EcamBusSize != 0 || start > end || ecam > ulong.MaxValue - ((ulong)end + 1) * EcamBusSize)
                return AcpiStatus.BadMcfgEntry;
            platform.EcamBase = ecam;
            platform.EcamStartBus = start;
            platform.EcamEndBus = end;
            return AcpiStatus.Success;
        }
        return AcpiStatus.Success;
    }

    // The first elements (SLP_TYPa, SLP_TYPb) of the DSDT's \_S3_ and \_S5_ packages, found by
    // their AML encoding: NameOp (08h), an optional root prefix (5Ch), the name, PackageOp (12h),
    // PkgLength (1-4 bytes: the lead byte's bits 7:6 count the extra ones), NumElements, then
    // each element as ZeroOp (00h), OneOp (01h) or BytePrefix (0Ah) and a byte. Redoubt
    // interprets no other AML; a package in another form is not found.
    private static void ReadSleepTypes<TMemory>(ref TMemory memory, ref AcpiPlatform platform)
        where TMemory : struct, IAcpiMemory
    {
        if (platform.Dsdt == 0 || ReadHeader(ref memory, platform.Dsdt, out uint signature, out uint length) != AcpiStatus.Success
            || signature != AcpiSignature.Dsdt)
            return;
        Span<byte> chunk = stackalloc byte[256];
        Span<byte> package = stackalloc byte[18];
        for (uint at = HeaderSize; at + 4 < length;)
        {
            int size = length - at < (uint)chunk.Length ? (int)(length - at) : chunk.Length;
            if (!TryRead(ref memory, platform.Dsdt + at, chunk.Slice(0, size)))
                return;
            for (int i = 0; i + 4 <= size; i++)
            {
                if (chunk[i] != (byte)'_' || chunk[i + 1] != (byte)'S' || chunk[i + 3] != (byte)'_' || (chunk[i + 2] != (byte)'3' && chunk[i + 2] != (byte)'5'))
                    continue;
                // The two bytes before the name, the name and the package.
                uint name = at + (uint)i;
                if (name < HeaderSize + 2)
                    continue;
                int take = length - (name - 2) < (uint)package.Length ? (int)(length - (name - 2)) : package.Length;
                if (!TryRead(ref memory, platform.Dsdt + name - 2, package.Slice(0, take)))
                    continue;
                bool named = package[1] == 0x08 || (package[1] == 0x5C && package[0] == 0x08);
                if (!named || !TryDecodeSleepPackage(package.Slice(2, take - 2), out byte typeA, out byte typeB))
                    continue;
                if (chunk[i + 2] == (byte)'3' && !platform.HasS3)
                {
                    platform.HasS3 = true;
                    platform.S3TypeA = typeA;
                    platform.S3TypeB = typeB;
                }
                else if (chunk[i + 2] == (byte)'5' && !platform.HasS5)
                {
                    platform.HasS5 = true;
                    platform.S5TypeA = typeA;
                    platform.S5TypeB = typeB;
                }
            }
            if (size < chunk.Length)
                return;
            at += (uint)size - 3;
        }
    }

    // bytes: the name (4), then the package. Sleep types are 3 bits (SLP_TYP).
    public static bool TryDecodeSleepPackage(ReadOnlySpan<byte> bytes, out byte typeA, out byte typeB)
    {
        typeA = typeB = 0;
        if (bytes.Length < 8 || bytes[4] != 0x12)
            return false;
        int at = 6 + (bytes[5] >> 6);
        if (at >= bytes.Length)
            return false;
        int count = bytes[at++];
        if (count < 1 || !TryElement(bytes, ref at, out typeA))
            return false;
        typeB = typeA;
        return count < 2 || TryElement(bytes, ref at, out typeB);
    }

    private static bool TryElement(ReadOnlySpan<byte> bytes, ref int at, out byte value)
    {
        value = 0;
        if (at >= bytes.Length)
            return false;
        byte op = bytes[at++];
        if (op is 0x00 or 0x01)
            value = op;
        else if (op == 0x0A && at < bytes.Length)
            value = bytes[at++];
        else
            return false;
        return value <= 7;
    }
}
