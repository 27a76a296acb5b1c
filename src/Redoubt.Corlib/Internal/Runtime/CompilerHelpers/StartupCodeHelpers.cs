using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime.CompilerHelpers;

// The start-up work a native runtime would do, run by the boot stub before any other managed
// code: allocate the GC-static bases, then run eager class constructors and module initializers.
// A module whose header does not match what this corlib was written for stops the boot: running
// with misread tables would be silent corruption.
internal static unsafe class StartupCodeHelpers
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtModulesStart")]
    private static extern ReadyToRunHeader** ModulesStart();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtModulesEnd")]
    private static extern ReadyToRunHeader** ModulesEnd();

    [RuntimeExport("RedoubtRuntimeInitialize")]
    private static void Initialize()
    {
        for (ReadyToRunHeader** module = ModulesStart(); module < ModulesEnd(); module++)
        {
            if (*module != null)
                ForEachSection(*module, ModuleInfoRow.GCStaticRegion);
        }
        for (ReadyToRunHeader** module = ModulesStart(); module < ModulesEnd(); module++)
        {
            if (*module != null)
                ForEachSection(*module, ModuleInfoRow.EagerClassConstructors);
        }
        for (ReadyToRunHeader** module = ModulesStart(); module < ModulesEnd(); module++)
        {
            if (*module != null)
                ForEachSection(*module, ModuleInfoRow.ModuleInitializers);
        }
    }

    private static void ForEachSection(ReadyToRunHeader* header, int sectionId)
    {
        if (header->Signature != ReadyToRunHeader.ExpectedSignature
            || header->MajorVersion != ReadyToRunHeader.ExpectedMajorVersion
            || header->EntrySize != sizeof(ModuleInfoRow))
        {
            ThrowHelpers.ThrowInvalidProgramException(0);
        }
        ModuleInfoRow* rows = (ModuleInfoRow*)(header + 1);
        for (int i = 0; i < header->NumberOfSections; i++)
        {
            if (rows[i].SectionId != sectionId)
                continue;
            int* start = (int*)rows[i].Start;
            int count = (int)(rows[i].Length / sizeof(int));
            if (sectionId == ModuleInfoRow.GCStaticRegion)
                InitializeGCStatics(start, count);
            else
                RunFunctions(start, count);
        }
    }

    // Each entry is a relative pointer to an 8-byte cell: { relative pointer to the statics type
    // | flags, relative pointer to pre-initialised data }. The cell becomes the object reference.
    private static void InitializeGCStatics(int* entries, int count)
    {
        const nint Uninitialized = 1, HasPreinitializedData = 2;
        for (int i = 0; i < count; i++)
        {
            byte* cell = (byte*)(entries + i) + entries[i];
            nint typeWithFlags = (nint)(cell + *(int*)cell);
            if ((typeWithFlags & Uninitialized) == 0)
                continue;
            MethodTable* type = (MethodTable*)(typeWithFlags & ~(nint)3);
            object statics = BootArena.NewObject(type);
            if ((typeWithFlags & HasPreinitializedData) != 0)
            {
                byte* blob = cell + 4 + *(int*)(cell + 4);
                uint size = type->BaseSize - (uint)(2 * sizeof(nint));
                System.SpanHelpers.Memmove(ref Unsafe.As<RawData>(statics).Data, ref *blob, size);
            }
            *(nint*)cell = *(nint*)Unsafe.AsPointer(ref statics);
        }
    }

    private static void RunFunctions(int* entries, int count)
    {
        for (int i = 0; i < count; i++)
        {
            delegate*<void> function = (delegate*<void>)((byte*)(entries + i) + entries[i]);
            function();
        }
    }
}
