namespace Internal.Runtime;

// Overlay of an array object: element count, padding, then the first element.
internal sealed class RawArrayData
{
    public uint Length;
    public uint Padding;
    public byte Data;
}
