using System;
using Redoubt.Dom0.Control;

namespace Redoubt.Dom0.Native;

// A hypercall buffer: one page of this process's memory, locked in RAM, whose physical address
// comes from /proc/self/pagemap. Dom0 is mapped 1:1, so that is the address Redoubt takes.
// mlock keeps the page in RAM (no swap); Linux may in principle still migrate a locked page
// (compaction), so the address is read right before the call and the page used at once.
internal sealed class PhysicalPage : IHypercallBuffer
{
    private const int PageSize = (int)PagemapEntry.PageSize;
    private const string Pagemap = "/proc/self/pagemap";

    private nint _page;

    private PhysicalPage(nint page) { _page = page; }

    public ulong PhysicalAddress { get; private set; }

    public Span<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_page == 0, this);
            unsafe
            {
                // Safe: _page is this object's own read-write mapping of PageSize bytes, unmapped
                // only by Dispose, after which this getter throws.
                return new Span<byte>((void*)_page, PageSize);
            }
        }
    }

    public static bool TryAllocate(out PhysicalPage? page, out string? error)
    {
        page = null;
        nint address = Libc.Mmap(0, PageSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (address == Libc.MapFailed)
        {
            error = $"mmap of a buffer page failed: {Libc.LastError()}";
            return false;
        }
        var candidate = new PhysicalPage(address);
        if (Libc.Mlock(address, PageSize) != 0)
        {
            error = $"mlock of the buffer page failed: {Libc.LastError()}; redoubtctl must run as root";
            candidate.Dispose();
            return false;
        }
        // Write every byte: a private anonymous page gets its own frame on the first write
        // (until then reads may share the zero page).
        candidate.Bytes.Clear();
        if (!TryReadPagemap(address, out PagemapEntry entry, out error))
        {
            candidate.Dispose();
            return false;
        }
        if (!entry.TryPhysicalAddress((ulong)address, out ulong physical, out error))
        {
            candidate.Dispose();
            return false;
        }
        candidate.PhysicalAddress = physical;
        page = candidate;
        return true;
    }

    private static bool TryReadPagemap(nint address, out PagemapEntry entry, out string? error)
    {
        entry = default;
        int fd = Libc.Open(Pagemap, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            error = $"cannot open {Pagemap}: {Libc.LastError()}";
            return false;
        }
        try
        {
            ulong raw = 0;
            nint read;
            unsafe
            {
                // Safe: pread writes at most 8 bytes into the 8-byte local raw.
                read = Libc.Pread(fd, (nint)(&raw), sizeof(ulong), PagemapEntry.FileOffset((ulong)address));
            }
            if (read != sizeof(ulong))
            {
                error = read < 0 ? $"cannot read {Pagemap}: {Libc.LastError()}" : $"short read from {Pagemap} ({read} bytes)";
                return false;
            }
            entry = new PagemapEntry(raw);
            error = null;
            return true;
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public void Dispose()
    {
        if (_page != 0)
        {
            Libc.Munmap(_page, PageSize);
            _page = 0;
        }
    }
}
