using System;
using Redoubt.Abi;

namespace Redoubt.Kernel.Capabilities;

// One domain's capabilities: a fixed array of slots. Invariant: a derived capability never has
// rights its parent lacks (Derive masks them), so no chain of derivations widens rights.
public sealed class CapabilitySpace
{
    private readonly Capability[] _slots;

    public CapabilitySpace(int slotCount) { _slots = new Capability[slotCount]; }

    public int SlotCount => _slots.Length;

    public ReadOnlySpan<Capability> Slots => _slots;

    public bool IsValidSlot(ulong slot) => slot < (ulong)_slots.Length && !_slots[slot].IsEmpty;

    public Capability Get(ulong slot) => _slots[slot];

    public int FindFreeSlot()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].IsEmpty)
                return i;
        }
        return -1;
    }

    // Perform step: the slot was found free by FindFreeSlot during validation.
    public void Put(int slot, Capability capability) => _slots[slot] = capability;

    // Perform step: empties the slot and, recursively, every slot derived from it.
    public void Revoke(int slot)
    {
        _slots[slot] = default;
        for (int i = 0; i < _slots.Length; i++)
        {
            if (!_slots[i].IsEmpty && _slots[i].Parent == slot)
                Revoke(i);
        }
    }

    // Empties every slot naming this object (used when the object dies, to free slots; the
    // generation check alone already makes them useless).
    public void RemoveAll(ObjectType type, ushort objectIndex)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Type == type && _slots[i].ObjectIndex == objectIndex)
                _slots[i] = default;
        }
    }
}
