using System;
using System.Collections.Generic;
using System.Linq;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Memory;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

// The E820 map Dom0 is given: Redoubt's frames never RAM, the firmware's ranges kept.
public class Dom0MemoryMapTests
{
    private const ulong Frame = 4096;

    // Like QEMU's q35 map, scaled down: low RAM ending mid-frame, a BIOS hole, RAM from 1 MiB to
    // 8 MiB, ACPI tables, a reserved range far above.
    private static MemoryMap Firmware()
    {
        var map = new MemoryMap();
        map.Add(0, 0x9FC00, MemoryKind.Usable);
        map.Add(0x9FC00, 0x400, MemoryKind.Reserved);
        map.Add(0xF0000, 0x10000, MemoryKind.Reserved);
        map.Add(0x100000, 0x700000, MemoryKind.Usable);
        map.Add(0x800000, 0x10000, MemoryKind.AcpiReclaimable);
        map.Add(0xFEC0_0000, 0x1000, MemoryKind.Reserved);
        return map;
    }

    // Frames below 1 MiB and 2-3 MiB Redoubt's; 4-4.5 MiB a VM's; the rest of RAM Dom0's.
    private static FrameTable Frames()
    {
        var frames = new FrameTable(0x800);
        for (ulong frame = 0; frame < 0x800; frame++)
        {
            ulong address = frame * Frame;
            FrameState state = address < 0x100000 || (address >= 0x200000 && address < 0x300000) ? FrameState.Hypervisor
                : address >= 0x400000 && address < 0x480000 ? FrameState.GuestPrivate : FrameState.Dom0;
            frames.Set(frame, state, 0);
        }
        return frames;
    }

    private static E820Entry[] Build(MemoryMap firmware, FrameTable frames)
    {
        var output = new E820Entry[128];
        Assert.Equal(Dom0MemoryMapStatus.Success, Dom0MemoryMap.Build(firmware, frames, output, out int count));
        return output[..count];
    }

    [Fact]
    public void Only_whole_frames_dom0_owns_are_ram()
    {
        FrameTable frames = Frames();
        E820Entry[] map = Build(Firmware(), frames);
        foreach (E820Entry entry in map.Where(e => e.Type == E820Entry.Ram))
        {
            Assert.Equal(0UL, entry.Address % Frame);
            Assert.Equal(0UL, entry.Length % Frame);
            for (ulong address = entry.Address; address < entry.Address + entry.Length; address += Frame)
                Assert.Equal(FrameState.Dom0, frames.State(address / Frame));
        }
        ulong ram = map.Where(e => e.Type == E820Entry.Ram).Aggregate(0UL, (sum, e) => sum + e.Length);
        Assert.Equal(frames.Count(FrameState.Dom0) * Frame, ram);
    }

    [Fact]
    public void Redoubts_frames_stay_in_the_map_as_reserved_and_firmware_ranges_keep_their_type()
    {
        E820Entry[] map = Build(Firmware(), Frames());
        Assert.Equal(
            new[]
            {
                (0x0UL, 0xA0000UL, E820Entry.Reserved),           // Redoubt's first MiB and the BIOS word
                (0xF0000UL, 0x10000UL, E820Entry.Reserved),
                (0x100000UL, 0x100000UL, E820Entry.Ram),
                (0x200000UL, 0x100000UL, E820Entry.Reserved),     // Redoubt's
                (0x300000UL, 0x100000UL, E820Entry.Ram),
                (0x400000UL, 0x80000UL, E820Entry.Reserved),      // a VM's
                (0x480000UL, 0x380000UL, E820Entry.Ram),
                (0x800000UL, 0x10000UL, E820Entry.AcpiReclaimable),
                (0xFEC0_0000UL, 0x1000UL, E820Entry.Reserved),
            },
            map.Select(e => (e.Address, e.Length, e.Type)).ToArray());
    }

    [Fact]
    public void The_map_covers_what_the_firmware_map_covers_sorted_without_overlap()
    {
        MemoryMap firmware = Firmware();
        E820Entry[] map = Build(firmware, Frames());
        for (int i = 1; i < map.Length; i++)
            Assert.True(map[i - 1].Address + map[i - 1].Length <= map[i].Address);
        ulong covered = map.Aggregate(0UL, (sum, e) => sum + e.Length);
        ulong firmwareCovered = firmware.Regions.ToArray().Aggregate(0UL, (sum, r) => sum + r.Length);
        Assert.Equal(firmwareCovered, covered);
    }

    [Fact]
    public void Random_ownership_never_makes_a_kept_frame_ram()
    {
        var random = new Random(11);
        FrameState[] states = Enum.GetValues<FrameState>();
        for (int round = 0; round < 50; round++)
        {
            var frames = new FrameTable(0x800);
            for (ulong frame = 0; frame < 0x800; frame++)
                frames.Set(frame, random.Next(3) == 0 ? states[random.Next(states.Length)] : FrameState.Dom0, 0);
            var output = new E820Entry[4096];
            Assert.Equal(Dom0MemoryMapStatus.Success, Dom0MemoryMap.Build(Firmware(), frames, output, out int count));
            foreach (E820Entry entry in output[..count].Where(e => e.Type == E820Entry.Ram))
            {
                for (ulong address = entry.Address; address < entry.Address + entry.Length; address += Frame)
                    Assert.Equal(FrameState.Dom0, frames.State(address / Frame));
            }
        }
    }

    [Fact]
    public void A_map_that_does_not_fit_is_refused()
    {
        var frames = new FrameTable(0x800);
        for (ulong frame = 0; frame < 0x800; frame++)
            frames.Set(frame, frame % 2 == 0 ? FrameState.Dom0 : FrameState.Hypervisor, 0);
        var output = new E820Entry[128];
        Assert.Equal(Dom0MemoryMapStatus.TooManyEntries, Dom0MemoryMap.Build(Firmware(), frames, output, out int count));
        Assert.Equal(0, count);
    }
}
