using System.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace Internal.Runtime;

// Resolves interface calls the compiler could not devirtualize. A call site is
// "lea r11, cell; call [r11]"; every cell starts out pointing at the boot stub
// RhpInitialDynamicInterfaceDispatch, which saves the argument registers and calls Resolve.
// No cache: each such call walks the dispatch maps (kernel code keeps these calls off hot paths).
internal static unsafe class InterfaceDispatch
{
    [RuntimeExport("RedoubtResolveInterfaceDispatch")]
    private static nint Resolve(object target, InterfaceDispatchCell* cell)
    {
        MethodTable* interfaceType = cell->InterfaceType;
        ushort slot = cell->InterfaceSlot;
        nint code = FindImplementation(target.GetMethodTable(), interfaceType, slot, useDefaults: false);
        if (code == 0)
            code = FindImplementation(target.GetMethodTable(), interfaceType, slot, useDefaults: true);
        if (code == 0)
            ThrowHelpers.ThrowInvalidCastException();
        return code;
    }

    private static nint FindImplementation(MethodTable* objectType, MethodTable* interfaceType, ushort slot, bool useDefaults)
    {
        for (MethodTable* type = objectType; type != null; type = type->IsParameterized ? null : type->RelatedType)
        {
            DispatchMap* map = type->DispatchMap;
            if (map == null)
                continue;
            int first = useDefaults ? map->StandardCount : 0;
            int count = useDefaults ? map->DefaultCount : map->StandardCount;
            for (int i = first; i < first + count; i++)
            {
                DispatchMapEntry* entry = map->Entries + i;
                if (entry->InterfaceMethodSlot != slot || type->InterfaceMap[entry->InterfaceIndex] != interfaceType)
                    continue;
                ushort implementation = entry->ImplementationMethodSlot;
                if (implementation == DispatchMap.ReabstractionSlot || implementation == DispatchMap.DiamondSlot)
                    return 0;
                // Slots below the vtable size are overridable: take the most-derived type's entry.
                if (implementation < type->NumVtableSlots)
                    return objectType->Vtable[implementation];
                return type->SealedVirtualSlot(implementation - type->NumVtableSlots);
            }
        }
        return 0;
    }
}
