using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime.CompilerHelpers;

namespace Internal.Runtime;

// The images' only heap: a bump allocator over a region the boot stub reserves. Nothing is
// ever freed (there is no collector), so kernel code allocates at boot and reuses afterwards.
// Invariant: every object it returns is zeroed and 8-byte aligned, inside the region.
internal static unsafe class BootArena
{
    private static byte* s_next;
    private static byte* s_limit;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtHeapStart")]
    private static extern byte* HeapStart();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtHeapEnd")]
    private static extern byte* HeapEnd();

    internal static nuint BytesUsed => s_next == null ? 0 : (nuint)(s_next - HeapStart());

    internal static nuint BytesTotal => (nuint)(HeapEnd() - HeapStart());

    internal static void* Allocate(nuint size)
    {
        if (s_next == null)
        {
            s_next = HeapStart();
            s_limit = HeapEnd();
        }
        size = (size + 7) & ~(nuint)7;
        if (size > (nuint)(s_limit - s_next))
            ThrowHelpers.ThrowOutOfMemoryException();
        byte* result = s_next;
        s_next += size;
        for (nuint i = 0; i < size; i++)
            result[i] = 0;
        return result;
    }

    internal static object NewObject(MethodTable* type)
    {
        byte* memory = (byte*)Allocate(type->BaseSize);
        *(MethodTable**)memory = type;
        return Unsafe.AsRef<object>(&memory);
    }

    internal static object NewArray(MethodTable* type, nint length)
    {
        if (length < 0 || length > int.MaxValue)
            ThrowHelpers.ThrowOverflowException();
        nuint size = type->BaseSize + (nuint)length * type->ComponentSize;
        byte* memory = (byte*)Allocate(size);
        *(MethodTable**)memory = type;
        *(int*)(memory + sizeof(nint)) = (int)length;
        return Unsafe.AsRef<object>(&memory);
    }
}
