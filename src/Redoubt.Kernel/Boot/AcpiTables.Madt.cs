using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// The CPUs Redoubt starts itself, from the MADT (ACPI 6.5 5.2.12).
public static partial class AcpiTables
{
    // MADT: Local Interrupt Controller Address (u32) at 36, Flags at 40, the interrupt
    // controller structures from 44, each Type (u8) at 0 and Length (u8) at 1 (5.2.12).
    private const int MadtLocalApicAddress = 36, MadtFirstEntry = 44, MadtEntryHeader = 2;
    // Processor Local APIC (5.2.12.2): APIC ID (u8) at 3, Flags (u32) at 4; 8 bytes.
    private const byte LocalApicType = 0;
    private const int LocalApicSize = 8, LocalApicId = 3, LocalApicFlags = 4;
    // Local APIC Address Override (5.2.12.8): the 64-bit address at 4; 12 bytes.
    private const byte ApicAddressOverrideType = 5;
    private const int ApicAddressOverrideSize = 12, ApicAddressOverrideAddress = 4;
    // Processor Local x2APIC (5.2.12.12): X2APIC ID (u32) at 4, Flags (u32) at 8; 16 bytes.
    private const byte LocalX2ApicType = 9;
    private const int LocalX2ApicSize = 16, LocalX2ApicId = 4, LocalX2ApicFlags = 8;
    // Local APIC Flags (table 5.23): Enabled (bit 0), Online Capable (bit 1, ACPI 6.3: present
    // but disabled, and the OS may enable it). Redoubt starts CPUs itself, so both are usable.
    private const uint ApicEnabled = 1, ApicOnlineCapable = 2;
    // The broadcast IDs of xAPIC and x2APIC name no CPU; Linux skips such entries too.
    private const uint XApicBroadcast = 0xFF, X2ApicBroadcast = 0xFFFF_FFFF;

    // The APIC IDs of the usable processors of the MADT at address (its checksum checked), in
    // table order, and the local APIC's physical address (the MADT's 32-bit field, or a Local
    // APIC Address Override's). Entries of other types are stepped over by their Length. Types
    // 0 and 9 may be longer than their structures (later revisions append fields). On failure
    // cpuCount and localApicAddress are 0 and apicIds is unspecified.
    public static AcpiStatus MadtCpus<TMemory>(ref TMemory memory, ulong madt, Span<uint> apicIds, out int cpuCount, out ulong localApicAddress)
        where TMemory : struct, IAcpiMemory
    {
        cpuCount = 0;
        localApicAddress = 0;
        AcpiStatus status = ReadHeader(ref memory, madt, out uint signature, out uint length);
        if (status != AcpiStatus.Success)
            return status;
        if (signature != AcpiSignature.Madt)
            return AcpiStatus.WrongSignature;
        if (length < MadtFirstEntry)
            return AcpiStatus.BadTableLength;
        status = CheckChecksum(ref memory, madt, length);
        if (status != AcpiStatus.Success)
            return status;

        Span<byte> entry = stackalloc byte[LocalX2ApicSize];
        if (!TryRead(ref memory, madt + MadtLocalApicAddress, entry.Slice(0, 4)))
            return AcpiStatus.TableUnreadable;
        ulong apicAddress = LittleEndian.ReadUInt32(entry, 0);
        bool overridden = false;
        int count = 0;
        // Each step advances by at least 2 bytes within a checked Length: at most 512 Ki steps.
        for (uint offset = MadtFirstEntry; offset < length;)
        {
            uint left = length - offset;
            if (left < MadtEntryHeader)
                return AcpiStatus.BadMadtEntry;
            if (!TryRead(ref memory, madt + offset, entry.Slice(0, MadtEntryHeader)))
                return AcpiStatus.TableUnreadable;
            byte type = entry[0];
            byte entryLength = entry[1];
            int needed = MinimumSize(type);
            if (entryLength < needed || entryLength > left)
                return AcpiStatus.BadMadtEntry;
            if (needed > MadtEntryHeader && !TryRead(ref memory, madt + offset, entry.Slice(0, needed)))
                return AcpiStatus.TableUnreadable;

            if (type == ApicAddressOverrideType)
            {
                if (overridden)
                    return AcpiStatus.DuplicateApicAddressOverride;
                overridden = true;
                apicAddress = LittleEndian.ReadUInt64(entry, ApicAddressOverrideAddress);
            }
            else if (type == LocalApicType || type == LocalX2ApicType)
            {
                bool x2 = type == LocalX2ApicType;
                uint flags = LittleEndian.ReadUInt32(entry, x2 ? LocalX2ApicFlags : LocalApicFlags);
                uint id = x2 ? LittleEndian.ReadUInt32(entry, LocalX2ApicId) : entry[LocalApicId];
                if ((flags & (ApicEnabled | ApicOnlineCapable)) != 0 && id != (x2 ? X2ApicBroadcast : XApicBroadcast))
                {
                    for (int i = 0; i < count; i++)
                    {
                        if (apicIds[i] == id)
                            return AcpiStatus.DuplicateApicId;
                    }
                    if (count == apicIds.Length)
                        return AcpiStatus.TooManyCpus;
                    apicIds[count++] = id;
                }
            }
            offset += entryLength;
        }
        cpuCount = count;
        localApicAddress = apicAddress;
        return AcpiStatus.Success;
    }

    private static int MinimumSize(byte type) => type switch
    {
        LocalApicType => LocalApicSize,
        ApicAddressOverrideType => ApicAddressOverrideSize,
        LocalX2ApicType => LocalX2ApicSize,
        _ => MadtEntryHeader,
    };
}
