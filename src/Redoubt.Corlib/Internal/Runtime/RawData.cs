namespace Internal.Runtime;

// Overlay of an object: the first byte of its fields.
internal sealed class RawData
{
    public byte Data;
}
