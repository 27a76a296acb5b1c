using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Security.Cryptography;
using Redoubt.Abi;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Tests.Model;

public sealed partial class ReferenceModel
{
    // Guest-physical ranges, buffers included, live in the lower half of the 48-bit space.
    private const ulong GuestRangeLimit = 1UL << 47;

    // Dom0 (holding Donate) gives frames it owns to a VM: they leave Dom0's table, read zero,
    // and become the VM's private pages at the guest address.
    private HypercallResult MemDonate(ushort caller, ulong slot, ulong host, ulong pages, ulong guest)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Donate, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (caller != Dom0)
            return Fail(HypercallStatus.NotOwned);
        if (!IsPageRange(host, pages) || !IsPageRange(guest, pages) || !IsGuestRange(guest, pages * Page))
            return Fail(HypercallStatus.InvalidArgument);
        ulong first = host / Page;
        if (first + pages > ModelShape.Frames)
            return Fail(HypercallStatus.NotOwned);
        for (ulong f = first; f < first + pages; f++)
        {
            if (_frames[f] is not { State: FrameState.Dom0 })
                return Fail(HypercallStatus.NotOwned);
        }
        for (ulong p = 0; p < pages; p++)
        {
            if (vm.Pages.ContainsKey(guest / Page + p))
                return Fail(HypercallStatus.AlreadyMapped);
        }
        HashSet<(int, ulong)> tables = NewTables(vm, guest, pages);
        if (tables.Count > _freeTables)
            return Fail(HypercallStatus.OutOfResources);

        vm.Tables.UnionWith(tables);
        _freeTables -= tables.Count;
        for (ulong p = 0; p < pages; p++)
        {
            ModelFrame frame = _frames[first + p]!;
            frame.Scrub();
            frame.State = FrameState.GuestPrivate;
            frame.Owner = vm.Domain;
            frame.GuestFrame = guest / Page + p;
            vm.Pages[guest / Page + p] = first + p;
            vm.ReadOnlyPages.Remove(guest / Page + p);
        }
        return HypercallResult.Ok();
    }

    // Anyone holding Reclaim but the VM itself takes mapped pages back: scrubbed, Dom0's again.
    private HypercallResult MemReclaim(ushort caller, ulong slot, ulong guest, ulong pages)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Reclaim, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (caller == vm.Domain)
            return Fail(HypercallStatus.InvalidState);
        if (!IsPageRange(guest, pages) || !IsGuestRange(guest, pages * Page))
            return Fail(HypercallStatus.InvalidArgument);
        for (ulong p = 0; p < pages; p++)
        {
            if (!vm.Pages.ContainsKey(guest / Page + p))
                return Fail(HypercallStatus.NotMapped);
        }

        for (ulong p = 0; p < pages; p++)
        {
            GiveToDom0(vm.Pages[guest / Page + p]);
            vm.Pages.Remove(guest / Page + p);
            vm.ReadOnlyPages.Remove(guest / Page + p);
        }
        return HypercallResult.Ok();
    }

    // A holder of Share (the VM itself: Dom0's Owner lacks it) turns private pages into pages
    // Dom0 also maps, at their frames' own addresses, or back.
    private HypercallResult ChangeSharing(ushort caller, ulong slot, ulong guest, ulong pages, bool share)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Share, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (!IsPageRange(guest, pages) || !IsGuestRange(guest, pages * Page))
            return Fail(HypercallStatus.InvalidArgument);
        for (ulong p = 0; p < pages; p++)
        {
            if (!vm.Pages.ContainsKey(guest / Page + p))
                return Fail(HypercallStatus.NotMapped);
        }
        FrameState from = share ? FrameState.GuestPrivate : FrameState.GuestShared;
        for (ulong p = 0; p < pages; p++)
        {
            if (_frames[vm.Pages[guest / Page + p]]!.State != from)
                return Fail(HypercallStatus.InvalidState);
        }

        for (ulong p = 0; p < pages; p++)
            _frames[vm.Pages[guest / Page + p]]!.State = share ? FrameState.GuestShared : FrameState.GuestPrivate;
        return HypercallResult.Ok();
    }

    // Before finalize: copies whole pages from the caller's memory into the VM's private pages,
    // page by page, and measures each: "RDBTPAGE" | gpa | flags | SHA-384(page). The VM then
    // holds the pages with the rights the flags state: read-only when ReadOnly.
    private HypercallResult VmLoad(ushort caller, ulong slot, ulong guest, ulong source, ulong length, ulong flags)
    {
        HypercallStatus status = LookupVm(caller, slot, VmRights.Load, out ModelVm vm);
        if (status != HypercallStatus.Success)
            return Fail(status);
        if (vm.State != VmState.Building)
            return Fail(HypercallStatus.InvalidState);
        if ((flags & ~(ulong)PageMeasureFlags.All) != 0 || length % Page != 0)
            return Fail(HypercallStatus.InvalidArgument);
        ulong pages = length / Page;
        if (!IsPageRange(guest, pages) || !IsGuestRange(guest, length))
            return Fail(HypercallStatus.InvalidArgument);
        for (ulong p = 0; p < pages; p++)
        {
            if (!vm.Pages.TryGetValue(guest / Page + p, out ulong frame))
                return Fail(HypercallStatus.NotMapped);
            if (_frames[frame]!.State != FrameState.GuestPrivate)
                return Fail(HypercallStatus.InvalidState);
        }
        if (!IsCallerBuffer(caller, source, length, writable: false))
            return Fail(HypercallStatus.InvalidBuffer);

        for (ulong p = 0; p < pages; p++)
        {
            byte[] target = _frames[vm.Pages[guest / Page + p]]!.Content;
            CopyFromCaller(caller, source + p * Page, target);
            var record = new byte[24];
            "RDBTPAGE"u8.CopyTo(record);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), guest + p * Page);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(16), flags);
            vm.Measurement!.AppendData(record);
            vm.Measurement.AppendData(SHA384.HashData(target));
        }
        for (ulong p = 0; p < pages; p++)
        {
            if ((flags & (ulong)PageMeasureFlags.ReadOnly) != 0)
                vm.ReadOnlyPages.Add(guest / Page + p);
            else
                vm.ReadOnlyPages.Remove(guest / Page + p);
        }
        return HypercallResult.Ok();
    }

    // ---- Frames, tables, caller memory ----------------------------------------------------------

    private void GiveToDom0(ulong frame)
    {
        ModelFrame f = _frames[frame]!;
        f.Scrub();
        f.State = FrameState.Dom0;
        f.Owner = Dom0;
        f.GuestFrame = 0;
    }

    // 1..MaxPagesPerCall whole pages from an aligned address, not wrapping.
    private bool IsPageRange(ulong address, ulong pages) =>
        pages != 0 && pages <= _config.MaxPagesPerCall && address % Page == 0 && address + pages * Page >= address;

    private static bool IsGuestRange(ulong address, ulong length) => address + length <= GuestRangeLimit && address + length >= address;

    // The tables a mapping of these pages would add to the VM's nested table.
    private static HashSet<(int, ulong)> NewTables(ModelVm vm, ulong guest, ulong pages)
    {
        var tables = new HashSet<(int, ulong)>();
        for (ulong p = 0; p < pages; p++)
        {
            ulong address = guest + p * Page;
            foreach (var table in new[] { (3, address >> 39), (2, address >> 30), (1, address >> 21) })
            {
                if (!vm.Tables.Contains(table))
                    tables.Add(table);
            }
        }
        return tables;
    }

    // Whether a guest-physical page of the caller is mapped in its nested table (and writable
    // there): Dom0 sees its own frames and shared ones at their addresses, writable; a VM its
    // pages, writable unless loaded read-only.
    private bool IsMapped(ushort caller, ulong address, bool writable = false)
    {
        if (caller != Dom0)
            return _vms[caller - 1].Pages.ContainsKey(address / Page) && !(writable && _vms[caller - 1].ReadOnlyPages.Contains(address / Page));
        return address / Page < ModelShape.Frames && _frames[address / Page] is { State: FrameState.Dom0 or FrameState.GuestShared };
    }

    private ModelFrame FrameAt(ushort caller, ulong address) =>
        _frames[caller == Dom0 ? address / Page : _vms[caller - 1].Pages[address / Page]]!;

    // A buffer in the caller's own memory: non-empty, at most 1 MiB, inside the guest-physical
    // range, every page mapped (and writable, when the kernel writes it).
    private bool IsCallerBuffer(ushort caller, ulong address, ulong length, bool writable)
    {
        if (length == 0 || length > 1UL << 20 || !IsGuestRange(address, length))
            return false;
        for (ulong page = address & ~(Page - 1); page < address + length; page += Page)
        {
            if (!IsMapped(caller, page, writable))
                return false;
        }
        return true;
    }

    private byte[] ReadCaller(ushort caller, ulong address, int length)
    {
        var bytes = new byte[length];
        for (int done = 0; done < length;)
        {
            int offset = (int)((address + (ulong)done) % Page);
            int chunk = Math.Min((int)Page - offset, length - done);
            Array.Copy(FrameAt(caller, address + (ulong)done).Content, offset, bytes, done, chunk);
            done += chunk;
        }
        return bytes;
    }

    // One page from the caller's memory into target, piece by piece in address order (the
    // source may overlap the target when a VM loads from its own memory).
    private void CopyFromCaller(ushort caller, ulong address, byte[] target)
    {
        for (int done = 0; done < target.Length;)
        {
            int offset = (int)((address + (ulong)done) % Page);
            int chunk = Math.Min((int)Page - offset, target.Length - done);
            Array.Copy(FrameAt(caller, address + (ulong)done).Content, offset, target, done, chunk);
            done += chunk;
        }
    }

    private void WriteCaller(ushort caller, ulong address, ReadOnlySpan<byte> bytes)
    {
        for (int done = 0; done < bytes.Length;)
        {
            int offset = (int)((address + (ulong)done) % Page);
            int chunk = Math.Min((int)Page - offset, bytes.Length - done);
            bytes.Slice(done, chunk).CopyTo(FrameAt(caller, address + (ulong)done).Content.AsSpan(offset));
            done += chunk;
        }
    }
}
