using Redoubt.Abi;

namespace Redoubt.Kernel.Virtualization;

// One loadable segment of a validated guest image: FileSize bytes from FileOffset in the image
// go to guest-physical GuestPhysical, followed by zeros up to MemorySize. Loading is page-wise
// (VmLoad takes whole pages), so the loader fills [PageStart, PageEnd): zeros before
// GuestPhysical, the file bytes, then zeros. GuestImage.Parse guarantees FileOffset + FileSize
// lies in the image, MemorySize > 0, PageEnd <= the guest's RAM size, and that no two segments
// share a page.
public readonly struct GuestSegment
{
    public const ulong PageSize = 4096;

    public GuestSegment(ulong guestPhysical, int fileOffset, int fileSize, ulong memorySize, PageMeasureFlags flags)
    {
        GuestPhysical = guestPhysical;
        FileOffset = fileOffset;
        FileSize = fileSize;
        MemorySize = memorySize;
        Flags = flags;
    }

    public ulong GuestPhysical { get; }
    public int FileOffset { get; }
    public int FileSize { get; }
    public ulong MemorySize { get; }

    // Executable if the ELF segment has PF_X, ReadOnly unless it has PF_W.
    public PageMeasureFlags Flags { get; }

    public ulong PageStart => GuestPhysical & ~(PageSize - 1);

    public ulong PageEnd => (GuestPhysical + MemorySize + PageSize - 1) & ~(PageSize - 1);

    public ulong PageCount => (PageEnd - PageStart) / PageSize;
}
