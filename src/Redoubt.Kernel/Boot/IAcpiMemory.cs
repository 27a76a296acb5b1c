using System;

namespace Redoubt.Kernel.Boot;

// Physical memory as AcpiTables reads and edits it: the firmware's ACPI tables, which lie in
// reserved and ACPI ranges outside the RAM Redoubt manages. The kernel implements it over the
// physical memory it maps; host tests over byte arrays. Used as a struct type parameter so the
// compiler specialises every call. Nothing read through it is trusted.
public interface IAcpiMemory
{
    // Copies [physical, physical + destination.Length) into destination. False when any byte of
    // the range may not be read (or the range wraps); destination is then unspecified.
    bool TryRead(ulong physical, Span<byte> destination);

    // Copies source to [physical, physical + source.Length). False when any byte of the range
    // may not be written; then nothing was written.
    bool TryWrite(ulong physical, ReadOnlySpan<byte> source);
}
