using Redoubt.Abi;

namespace Redoubt.Kernel.Tests.Model;

// A capability slot as the model keeps it: which object, its generation when the slot was
// filled, the rights, and the slot it was derived from (-1: none).
public readonly record struct ModelCapability(ObjectType Type, int Object, uint Generation, ulong Rights, int Parent)
{
    public bool IsEmpty => Type == ObjectType.None;
}
