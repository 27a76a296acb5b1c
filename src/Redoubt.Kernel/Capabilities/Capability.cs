using Redoubt.Abi;

namespace Redoubt.Kernel.Capabilities;

// A slot's content: which object (type, pool index, generation) and what the holder may do.
// Unforgeable: callers only ever name slot numbers; the kernel fills slots. A capability
// outlives its object only as a stale entry: the generation no longer matches, so every use
// fails with InvalidCapability.
public struct Capability
{
    public const int NoParent = -1;

    public ObjectType Type;
    public ushort ObjectIndex;
    public uint Generation;
    public ulong Rights;
    // The slot this one was derived from (same space), or NoParent. Revoking a slot revokes
    // its descendants.
    public int Parent;

    public readonly bool IsEmpty => Type == ObjectType.None;
}
