namespace Redoubt.Kernel.Boot;

// Why Dom0MemoryMap.Build refused.
public enum Dom0MemoryMapStatus
{
    Success,
    // The map needs more entries than the output (at most 128 fit in the zero page).
    TooManyEntries,
}
