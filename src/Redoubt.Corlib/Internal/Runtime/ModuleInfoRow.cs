namespace Internal.Runtime;

internal unsafe struct ModuleInfoRow
{
    public const int GCStaticRegion = 201;
    public const int EagerClassConstructors = 205;
    public const int ModuleInitializers = 213;
    private const int HasEndPointer = 1;

    public int SectionId;
    public int Flags;
    public byte* Start;
    public byte* End;

    public nuint Length => (Flags & HasEndPointer) != 0 ? (nuint)(End - Start) : (nuint)sizeof(nint);
}
