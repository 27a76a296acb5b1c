using System.Runtime.CompilerServices;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// The last few guest-physical -> host-physical page translations of one vCPU's VM, for reading
// guest code and page tables at exits without walking the nested table each time. Sound because
// a VM's nested table only ever loses or changes a mapping through the kernel core, which counts
// every such change (TlbFlushes). Invariant kept by VcpuRunner: the cache is emptied before
// every VMRUN after that count moved (where the TLB flush is requested too), and when the vCPU
// is launched again (possibly for another VM); lookups happen only while handling an exit.
// No local is read before it is written: SkipLocalsInit only spares the exit path zeroing.
[SkipLocalsInit]
internal sealed class NestedTranslationCache
{
    private const int Entries = 4;
    private const ulong NoPage = ulong.MaxValue;

    private readonly ulong[] _guestPages = new ulong[Entries];
    private readonly ulong[] _hostPages = new ulong[Entries];
    private int _next;
    private ulong _lastGuestPage = NoPage, _lastHostPage;

    // The most recent translation: the inline fast path of code fetches.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryLast(ulong guestPage, out ulong hostPage)
    {
        hostPage = _lastHostPage;
        return guestPage == _lastGuestPage;
    }

    public void Clear()
    {
        for (int i = 0; i < Entries; i++)
            _guestPages[i] = NoPage;
        _lastGuestPage = NoPage;
    }

    public bool Translate(KernelCore<RangePhysicalMemory> core, VirtualMachine vm, ulong guestPhysical, out ulong physical)
    {
        ulong page = guestPhysical & ~0xFFFUL;
        for (int i = 0; i < Entries; i++)
        {
            if (_guestPages[i] == page)
            {
                _lastGuestPage = page;
                _lastHostPage = _hostPages[i];
                physical = _hostPages[i] | (guestPhysical & 0xFFF);
                return true;
            }
        }
        if (!core.VmTable(vm).Translate(page, out ulong hostPage, out _))
        {
            physical = 0;
            return false;
        }
        _guestPages[_next] = page;
        _hostPages[_next] = hostPage;
        _next = (_next + 1) % Entries;
        _lastGuestPage = page;
        _lastHostPage = hostPage;
        physical = hostPage | (guestPhysical & 0xFFF);
        return true;
    }
}
