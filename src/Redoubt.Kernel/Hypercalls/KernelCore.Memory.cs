using System;
using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;
using Redoubt.Kernel.Paging;

namespace Redoubt.Kernel.Hypercalls;

public sealed partial class KernelCore<TPhysical>
{
    private const PageAttributes GuestRam = PageAttributes.Writable | PageAttributes.Executable;

    // Dom0 gives frames it owns to a VM: unmapped from Dom0's table, zeroed (so pages the image
    // loader never wrote hold nothing Dom0 chose), mapped private into the VM's table.
    private HypercallResult MemDonate(ushort caller, ulong slot, ulong hostAddress, ulong pageCount, ulong guestAddress)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Donate, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (caller != Dom0)
            return HypercallResult.Fail(HypercallStatus.NotOwned);
        status = CheckPages(hostAddress, pageCount, out ulong length);
        if (status == HypercallStatus.Success)
            status = CheckPages(guestAddress, pageCount, out _);
        if (status != HypercallStatus.Success || !IsGuestAddressRange(guestAddress, length))
            return HypercallResult.Fail(HypercallStatus.InvalidArgument);
        ulong firstFrame = hostAddress / PageSize;
        if (firstFrame + pageCount > _machine.Frames.FrameCount)
            return HypercallResult.Fail(HypercallStatus.NotOwned);
        for (ulong frame = firstFrame; frame < firstFrame + pageCount; frame++)
        {
            if (_machine.Frames.State(frame) != FrameState.Dom0)
                return HypercallResult.Fail(HypercallStatus.NotOwned);
        }
        var vmTable = VmTable(vm);
        if (!vmTable.IsRangeUnmapped(guestAddress, length))
            return HypercallResult.Fail(HypercallStatus.AlreadyMapped);
        // Dom0's large leaves over the range are split down to 4 KiB first, so that every frame
        // leaving Dom0 keeps a last-level table above it: giving it back never needs a table.
        ulong tables = _dom0Table.TablesNeededToSplitToSmallest(hostAddress, length) + vmTable.TablesNeededToMap(guestAddress, hostAddress, length, allowLarge: true);
        if (tables > (ulong)_machine.Free.Count)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);

        _dom0Table.SplitToSmallest(hostAddress, length, out TlbFlush split);
        NoteFlush(split);
        _dom0Table.Unmap(hostAddress, length, out TlbFlush flush);
        NoteFlush(flush);
        ShootDownNow();
        for (ulong page = 0; page < pageCount; page++)
        {
            ulong frame = firstFrame + page;
            _machine.Physical.Frame(frame).Clear();
            _machine.Frames.Set(frame, FrameState.GuestPrivate, vm.Domain, guestAddress / PageSize + page);
        }
        vmTable.Map(guestAddress, hostAddress, length, GuestRam);
        return HypercallResult.Ok();
    }

    // Takes frames back from a VM: unmapped there, scrubbed, returned to Dom0. Allowed at any
    // time (Redoubt does not promise availability), never without scrubbing.
    private HypercallResult MemReclaim(ushort caller, ulong slot, ulong guestAddress, ulong pageCount)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Reclaim, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (caller == vm.Domain)
            return HypercallResult.Fail(HypercallStatus.InvalidState);
        status = CheckPages(guestAddress, pageCount, out ulong length);
        if (status != HypercallStatus.Success || !IsGuestAddressRange(guestAddress, length))
            return HypercallResult.Fail(HypercallStatus.InvalidArgument);
        var vmTable = VmTable(vm);
        if (!vmTable.IsRangeMapped(guestAddress, length))
            return HypercallResult.Fail(HypercallStatus.NotMapped);
        if (vmTable.TablesNeededToSplit(guestAddress, length) > (ulong)_machine.Free.Count)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);

        for (ulong page = 0; page < pageCount; page++)
        {
            vmTable.Translate(guestAddress + page * PageSize, out ulong physical, out _);
            _machine.Frames.Set(physical / PageSize, FrameState.Zeroing, vm.Domain, guestAddress / PageSize + page);
        }
        vmTable.Unmap(guestAddress, length, out TlbFlush flush);
        NoteFlush(flush);
        ShootDownNow();
        ReturnZeroingFrames(vm.Domain);
        return HypercallResult.Ok();
    }

    // The VM (holding Share) exposes some of its pages to Dom0, at their own addresses.
    private HypercallResult MemShare(ushort caller, ulong slot, ulong guestAddress, ulong pageCount) =>
        ChangeSharing(caller, slot, guestAddress, pageCount, share: true);

    private HypercallResult MemUnshare(ushort caller, ulong slot, ulong guestAddress, ulong pageCount) =>
        ChangeSharing(caller, slot, guestAddress, pageCount, share: false);

    private HypercallResult ChangeSharing(ushort caller, ulong slot, ulong guestAddress, ulong pageCount, bool share)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Share, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        status = CheckPages(guestAddress, pageCount, out ulong length);
        if (status != HypercallStatus.Success || !IsGuestAddressRange(guestAddress, length))
            return HypercallResult.Fail(HypercallStatus.InvalidArgument);
        var vmTable = VmTable(vm);
        if (!vmTable.IsRangeMapped(guestAddress, length))
            return HypercallResult.Fail(HypercallStatus.NotMapped);
        FrameState from = share ? FrameState.GuestPrivate : FrameState.GuestShared;
        ulong tables = 0;
        for (ulong page = 0; page < pageCount; page++)
        {
            vmTable.Translate(guestAddress + page * PageSize, out ulong physical, out _);
            if (_machine.Frames.State(physical / PageSize) != from)
                return HypercallResult.Fail(HypercallStatus.InvalidState);
            // Conservative: each page counted alone (shared pages sit in tables Dom0 had).
            tables += share ? _dom0Table.TablesNeededToMap(physical, physical, PageSize, allowLarge: false)
                            : _dom0Table.TablesNeededToSplit(physical, PageSize);
        }
        if (tables > (ulong)_machine.Free.Count)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);

        for (ulong page = 0; page < pageCount; page++)
        {
            vmTable.Translate(guestAddress + page * PageSize, out ulong physical, out _);
            ulong frame = physical / PageSize;
            if (share)
            {
                _dom0Table.Map(physical, physical, PageSize, PageAttributes.Writable, allowLarge: false);
            }
            else
            {
                _dom0Table.Unmap(physical, PageSize, out TlbFlush flush);
                NoteFlush(flush);
            }
            _machine.Frames.Set(frame, share ? FrameState.GuestShared : FrameState.GuestPrivate, vm.Domain, guestAddress / PageSize + page);
        }
        return HypercallResult.Ok();
    }

    // Copies image data from the caller into the VM's private pages, measures each page, and
    // gives the VM the rights on them that the measured flags state.
    private HypercallResult VmLoad(ushort caller, ulong slot, ulong guestAddress, ulong sourceAddress, ulong length, ulong flags)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Load, out VirtualMachine vm);
        if (status != HypercallStatus.Success)
            return HypercallResult.Fail(status);
        if (vm.State != VmState.Building)
            return HypercallResult.Fail(HypercallStatus.InvalidState);
        if ((flags & ~(ulong)PageMeasureFlags.All) != 0 || (length & (PageSize - 1)) != 0)
            return HypercallResult.Fail(HypercallStatus.InvalidArgument);
        status = CheckPages(guestAddress, length / PageSize, out _);
        if (status != HypercallStatus.Success || !IsGuestAddressRange(guestAddress, length))
            return HypercallResult.Fail(HypercallStatus.InvalidArgument);
        var vmTable = VmTable(vm);
        for (ulong offset = 0; offset < length; offset += PageSize)
        {
            if (!vmTable.Translate(guestAddress + offset, out ulong physical, out _))
                return HypercallResult.Fail(HypercallStatus.NotMapped);
            if (_machine.Frames.State(physical / PageSize) != FrameState.GuestPrivate)
                return HypercallResult.Fail(HypercallStatus.InvalidState);
        }
        if (!IsCallerBuffer(caller, sourceAddress, length, writable: false))
            return HypercallResult.Fail(HypercallStatus.InvalidBuffer);
        // Changing the rights of part of a large leaf splits it.
        if (vmTable.TablesNeededToSplit(guestAddress, length) > (ulong)_machine.Free.Count)
            return HypercallResult.Fail(HypercallStatus.OutOfResources);

        for (ulong offset = 0; offset < length; offset += PageSize)
        {
            vmTable.Translate(guestAddress + offset, out ulong physical, out _);
            Span<byte> page = _machine.Physical.Frame(physical / PageSize);
            ReadCaller(caller, sourceAddress + offset, page);
            LaunchMeasurement.AppendPage(ref vm.Measurement, guestAddress + offset, (PageMeasureFlags)flags, page);
        }
        vmTable.Protect(guestAddress, length, LoadedPageRights((PageMeasureFlags)flags), out TlbFlush flush);
        NoteFlush(flush);
        return HypercallResult.Ok();
    }

    // What PageMeasureFlags promise about a loaded page: writable unless ReadOnly, executable
    // only if Executable.
    private static PageAttributes LoadedPageRights(PageMeasureFlags flags)
    {
        PageAttributes rights = (flags & PageMeasureFlags.ReadOnly) != 0 ? PageAttributes.ReadOnly : PageAttributes.Writable;
        if ((flags & PageMeasureFlags.Executable) != 0)
            rights |= PageAttributes.Executable;
        return rights;
    }

    // Guest-physical ranges live in the lower canonical half (48-bit guest-physical space).
    private static bool IsGuestAddressRange(ulong address, ulong length) =>
        address + length <= 0x0000_8000_0000_0000 && address + length >= address;
}
