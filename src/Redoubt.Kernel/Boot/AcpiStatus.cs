namespace Redoubt.Kernel.Boot;

// Why an AcpiTables operation refused. Every refusal leaves memory as it was.
public enum AcpiStatus
{
    Success,
    // FindTable: the root table lists no table with that signature.
    NotFound,

    // The RSDP's first 20 bytes, or (revision 2 and later) its Length bytes, cannot be read.
    RsdpUnreadable,
    // The RSDP does not start with "RSD PTR ".
    BadRsdpSignature,
    // The RSDP's first 20 bytes do not sum to zero.
    BadRsdpChecksum,
    // Revision 2 and later: the RSDP's Length is below 36 or above 4 KiB.
    BadRsdpLength,
    // Revision 2 and later: the RSDP's Length bytes do not sum to zero.
    BadRsdpExtendedChecksum,
    // Neither an RSDT address nor (revision 2 and later) an XSDT address.
    NoRootTable,

    // A table's header or the bytes its Length covers cannot be read.
    TableUnreadable,
    // The RSDT or XSDT address holds another signature, or MadtCpus was not given an "APIC".
    WrongSignature,
    // A table's Length is below its type's minimum (36 for any table, 44 for the MADT, 48 for
    // DMAR and IVRS, 52 for TPM2), above MaxTableLength, or runs past the end of the address
    // space; or a root table's entries are not whole 4- or 8-byte addresses.
    BadTableLength,
    // A table Redoubt reads or rewrites does not sum to zero over its Length.
    BadTableChecksum,
    // A root table lists more than MaxRootEntries tables.
    TooManyEntries,
    // A root table lists the same address twice.
    DuplicateEntry,
    // The RSDP, RSDT and XSDT overlap, a listed table overlaps one of them (a root listing
    // itself or the other root), or a table to be hidden overlaps another listed table: a
    // rewrite of one would change another.
    OverlappingTables,

    // MadtCpus: an entry is shorter than 2 bytes or than its type's structure, or runs past
    // the end of the table.
    BadMadtEntry,
    // MadtCpus: two usable processor entries have the same APIC ID.
    DuplicateApicId,
    // MadtCpus: more than one Local APIC Address Override (the MADT allows one).
    DuplicateApicAddressOverride,
    // MadtCpus: more usable processors than the output holds.
    TooManyCpus,

    // HideTables: more tables to hide than the report holds.
    TooManyHiddenTables,
    // HideTables: more register windows than the output holds.
    TooManyWindows,
    // HideTables: a DMAR remapping structure is shorter than 4 bytes or than its type's
    // structure, runs past the table, or a DRHD's register base is zero, not 4 KiB aligned, or
    // its register set runs past the end of the address space.
    BadDmarEntry,
    // HideTables: an IVRS block is shorter than 4 bytes or than its type's structure, runs
    // past the table, or an IVHD's IOMMU base is zero, not 4 KiB aligned, or its window runs
    // past the end of the address space.
    BadIvrsEntry,
    // HideTables: the pages of the TPM2 table's CRB control area run past the end of the
    // address space.
    BadTpm2ControlArea,
    // HideTables: a range to be rewritten refused a write of the bytes already in it (the
    // probe made before anything changes).
    NotWritable,
    // HideTables: a write failed after the probe succeeded (an IAcpiMemory that broke its
    // promise); the root tables may be partly rewritten.
    WriteFailed,

    // ReadPlatform: a PM1 control or event block, or the reset register, lies outside I/O and
    // memory space, or an I/O block runs past port FFFFh: Redoubt could not mediate it.
    UnsupportedRegister,
    // ReadPlatform: the MCFG's segment 0 entry has a base that is not 1 MiB aligned, a start
    // bus above its end bus, or a window that runs past the end of the address space.
    BadMcfgEntry,
}
