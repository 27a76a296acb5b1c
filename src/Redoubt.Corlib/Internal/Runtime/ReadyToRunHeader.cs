namespace Internal.Runtime;

// The compiler's per-module header ("RTR", version 16 with ILC 10), followed by
// NumberOfSections rows of ModuleInfoRow.
internal struct ReadyToRunHeader
{
    public const uint ExpectedSignature = 0x00525452;
    public const ushort ExpectedMajorVersion = 16;

    public uint Signature;
    public ushort MajorVersion;
    public ushort MinorVersion;
    public uint Flags;
    public ushort NumberOfSections;
    public byte EntrySize;
    public byte EntryType;
}
