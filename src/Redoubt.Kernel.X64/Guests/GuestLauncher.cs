using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Guests;

// Builds test VMs the way Dom0 will: only through hypercalls, as caller Dom0, from Dom0's
// memory. It keeps a few Dom0 pages of its own (staging for image pages, vCPU states, exit
// message buffers) and never donates the pages holding the guest archive.
// Safe: it writes only its own scratch pages (Dom0 frames it chose, mapped 1:1 by the kernel)
// and reads the archive where the boot module lies.
internal sealed unsafe class GuestLauncher
{
    private const ulong PageSize = 4096, StagingPages = 256, MessagePages = 16, StatePage = StagingPages + MessagePages;
    private const ulong ScratchPages = StatePage + 1;

    private readonly KernelCore<RangePhysicalMemory> _core;
    private readonly AddressRange _archive;
    private readonly ulong _scratch;
    private int _launched;

    private GuestLauncher(KernelCore<RangePhysicalMemory> core, AddressRange archive, ulong scratch)
    {
        _core = core;
        _archive = archive;
        _scratch = scratch;
    }

    public static GuestLauncher? Create(KernelCore<RangePhysicalMemory> core, AddressRange archive)
    {
        var launcher = new GuestLauncher(core, archive, 0);
        ulong scratch = launcher.FindDom0Run(ScratchPages, default);
        return scratch == 0 ? null : new GuestLauncher(core, archive, scratch);
    }

    public KernelCore<RangePhysicalMemory> Core => _core;

    public ReadOnlySpan<byte> Archive => new ReadOnlySpan<byte>((void*)_archive.Start, (int)_archive.Length);

    public bool Launch(in GuestSpec spec, out LaunchedGuest guest)
    {
        guest = default;
        if (_launched == (int)MessagePages)
            return Refuse("more guests than message buffers"u8, 0);
        CpioStatus found = CpioArchive.Find(Archive, GuestImageNames.Of(spec.Image), out int fileOffset, out int fileLength);
        if (found != CpioStatus.Success)
        {
            Log.Error("launch"u8).Text("guest archive has no "u8).Text(GuestImageNames.Of(spec.Image)).Text(" (cpio status "u8)
                .Decimal((ulong)found).Text(")"u8).End();
            return false;
        }
        ReadOnlySpan<byte> file = Archive.Slice(fileOffset, fileLength);
        ulong pages = spec.RamBytes / PageSize;
        ulong ram = FindDom0Run(pages, new AddressRange(_scratch, _scratch + ScratchPages * PageSize));
        if (ram == 0)
            return Refuse("no run of Dom0 memory for the guest's RAM, pages: "u8, pages);

        HypercallResult created = Call(Hypercall.VmCreate);
        if (created.Status != HypercallStatus.Success)
            return Refuse("VmCreate failed, status "u8, (ulong)created.Status);
        guest.VmSlot = created.Result0;
        guest.Domain = (ushort)(_core.Dom0Capabilities.Get(guest.VmSlot).ObjectIndex + 1);
        guest.RamHostAddress = ram;
        guest.RamBytes = spec.RamBytes;
        if (!Expect(Call(Hypercall.MemDonate, guest.VmSlot, ram, pages, 0), "MemDonate"u8))
            return false;

        var state = new VcpuState { Rflags = 2 };
        if (spec.FlatBinary)
        {
            if (!LoadPages(guest.VmSlot, 0x1000, file, 0, (ulong)file.Length, PageMeasureFlags.Executable))
                return false;
            state.Rip = 0x1000;
            state.Rsi = spec.Argument;
        }
        else
        {
            Span<GuestSegment> segments = stackalloc GuestSegment[GuestImage.MaxProgramHeaders];
            GuestImageStatus parsed = GuestImage.Parse(file, spec.RamBytes, segments, out int count, out ulong entry);
            if (parsed != GuestImageStatus.Success)
                return Refuse("the guest image is not a valid ELF image for this VM, status "u8, (ulong)parsed);
            for (int i = 0; i < count; i++)
            {
                GuestSegment segment = segments[i];
                if (!LoadPages(guest.VmSlot, segment.PageStart, file.Slice(segment.FileOffset, segment.FileSize),
                        segment.GuestPhysical - segment.PageStart, segment.PageEnd - segment.PageStart, segment.Flags))
                    return false;
            }
            // 32-bit protected mode, flat segments, paging off (the kit's entry convention).
            state.Cr0 = 1;
            state.Rip = entry;
            state.Rdi = (ulong)spec.Program;
            state.Rsi = spec.RamBytes;
            state.Rdx = spec.Argument;
        }

        HypercallResult vcpu = Call(Hypercall.VcpuCreate, guest.VmSlot);
        if (!Expect(vcpu, "VcpuCreate"u8))
            return false;
        guest.VcpuSlot = vcpu.Result0;
        guest.VcpuIndex = _core.Dom0Capabilities.Get(guest.VcpuSlot).ObjectIndex;
        ulong statePage = _scratch + StatePage * PageSize;
        MemoryMarshal.AsBytes(new ReadOnlySpan<VcpuState>(ref state)).CopyTo(new Span<byte>((void*)statePage, VcpuState.Size));
        if (!Expect(Call(Hypercall.VcpuSetState, guest.VcpuSlot, statePage, VcpuState.Size), "VcpuSetState"u8)
            || !Expect(Call(Hypercall.VmFinalize, guest.VmSlot), "VmFinalize"u8))
            return false;
        guest.MessageBuffer = _scratch + (StagingPages + (ulong)_launched) * PageSize;
        _launched++;
        Log.Info("launch"u8).Text("vm "u8).Decimal(guest.Domain).Text(": "u8).Text(GuestImageNames.Of(spec.Image))
            .Text(", "u8).Size(spec.RamBytes).Text(" of RAM at host "u8).Hex(ram).Text(", program "u8).Decimal((ulong)spec.Program)
            .Text(", argument "u8).Hex(spec.Argument).End();
        return true;
    }

    public HypercallResult Call(Hypercall call, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0) =>
        HypercallEntry.Dispatch(_core, KernelCore<RangePhysicalMemory>.Dom0, HypercallRegisters.Of(call, a0, a1, a2, a3, a4));

    // Copies bytes to offset within zeroed staging pages and loads them (measured) at guestPhysical.
    private bool LoadPages(ulong vmSlot, ulong guestPhysical, ReadOnlySpan<byte> bytes, ulong offset, ulong length, PageMeasureFlags flags)
    {
        ulong pages = (offset + length + PageSize - 1) / PageSize;
        if (pages > StagingPages)
            return Refuse("an image segment is larger than the staging area, pages: "u8, pages);
        var staging = new Span<byte>((void*)_scratch, (int)(pages * PageSize));
        staging.Clear();
        bytes.CopyTo(staging.Slice((int)offset));
        return Expect(Call(Hypercall.VmLoad, vmSlot, guestPhysical, _scratch, pages * PageSize, (ulong)flags), "VmLoad"u8);
    }

    // The lowest run of pages Dom0 frames clear of the archive and of `avoid`; 0 when none.
    private ulong FindDom0Run(ulong pages, AddressRange avoid)
    {
        FrameTable frames = _core.Machine.Frames;
        ulong run = 0;
        for (ulong frame = 0; frame < frames.FrameCount; frame++)
        {
            ulong address = frame * PageSize;
            bool usable = frames.State(frame) == FrameState.Dom0 && !_archive.Intersects(address, address + PageSize)
                && !avoid.Intersects(address, address + PageSize);
            run = usable ? run + 1 : 0;
            if (run == pages)
                return (frame + 1 - pages) * PageSize;
        }
        return 0;
    }

    private static bool Expect(HypercallResult result, ReadOnlySpan<byte> call)
    {
        if (result.Status == HypercallStatus.Success)
            return true;
        Log.Error("launch"u8).Text(call).Text(" failed, status "u8).Decimal((ulong)result.Status).End();
        return false;
    }

    private static bool Refuse(ReadOnlySpan<byte> reason, ulong value)
    {
        Log.Error("launch"u8).Text(reason).Decimal(value).End();
        return false;
    }
}
