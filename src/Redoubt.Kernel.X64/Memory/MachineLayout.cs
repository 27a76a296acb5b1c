using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Cpu;

namespace Redoubt.Kernel.X64.Memory;

// Who owns each physical frame when the kernel core takes over all RAM (frame number =
// physical address / 4 KiB). The kernel keeps its image (code, data, stacks, arena, its own
// table pool) and the page below 1 MiB where the other CPUs start (SecondaryCpus); the rest of
// usable RAM below 1 MiB is Dom0's like the rest (Linux needs some for its real-mode
// trampoline; the boot protocol's structures there were copied into BootInfo); the core's pool of
// table frames is the first run of RAM large enough above the image that touches no boot
// module; every other whole frame of usable RAM is Dom0's; everything else is no RAM.
internal readonly struct MachineLayout : IFrameLayout
{
    private const ulong FrameSize = 4096;

    private readonly MemoryMap _memory;
    private readonly AddressRange _image, _pool, _module;

    private MachineLayout(MemoryMap memory, AddressRange image, AddressRange pool, AddressRange module)
    {
        _memory = memory;
        _image = image;
        _pool = pool;
        _module = module;
    }

    // One past the last frame of usable RAM or of Redoubt's own loader memory (UEFI).
    public ulong FrameCount
    {
        get
        {
            ulong end = 0;
            foreach (MemoryRegion region in _memory.Regions)
            {
                if ((region.Kind == MemoryKind.Usable || region.Kind == MemoryKind.Loader) && region.End > end)
                    end = region.End;
            }
            return end / FrameSize;
        }
    }

    public AddressRange Pool => _pool;

    // Null when no run of poolFrames frames of RAM lies above the image clear of the module.
    public static MachineLayout? Create(MemoryMap memory, AddressRange image, AddressRange module, ulong poolFrames)
    {
        const ulong Align = 0x200000;
        ulong size = poolFrames * FrameSize;
        foreach (MemoryRegion region in memory.Regions)
        {
            if (region.Kind != MemoryKind.Usable)
                continue;
            ulong start = (region.Base > image.End ? region.Base : image.End) + Align - 1 & ~(Align - 1);
            if (module.Length != 0 && start < module.End && start + size > module.Start)
                start = module.End + Align - 1 & ~(Align - 1);
            if (start + size <= region.End)
                return new MachineLayout(memory, image, new AddressRange(start, start + size), module);
        }
        return null;
    }

    public FrameState InitialState(ulong frame)
    {
        ulong address = frame * FrameSize;
        // UEFI loader memory is Redoubt's image and what its loader read (the boot archive).
        if (IsIn(address, MemoryKind.Loader))
            return FrameState.Hypervisor;
        if (!IsIn(address, MemoryKind.Usable))
            return FrameState.Mmio;
        if (_image.Contains(address) || address == SecondaryCpus.TrampolinePage)
            return FrameState.Hypervisor;
        return _pool.Contains(address) ? FrameState.Free : FrameState.Dom0;
    }

    private bool IsIn(ulong address, MemoryKind kind)
    {
        foreach (MemoryRegion region in _memory.Regions)
        {
            if (region.Kind == kind && address >= region.Base && address + FrameSize <= region.End)
                return true;
        }
        return false;
    }
}
