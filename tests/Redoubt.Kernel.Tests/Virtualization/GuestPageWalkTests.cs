using System;
using System.Collections.Generic;
using Redoubt.Kernel.Virtualization;
using Xunit;
using static Redoubt.Kernel.Tests.Virtualization.GuestPageTables;

namespace Redoubt.Kernel.Tests.Virtualization;

public class GuestPageWalkTests
{
    private const ulong LongCr0 = Cr0Paging | Cr0Protection, LongCr4 = Cr4Pae, LongEfer = EferLme | EferLma;
    private const ulong Kib4 = 0x1000, Mib2 = 0x20_0000, Mib4 = 0x40_0000, Gib1 = 0x4000_0000;

    private static bool Translate(FakeGuestMemory memory, ulong linear, ulong cr0, ulong cr3, ulong cr4, ulong efer, out ulong physical)
    {
        FakeGuestMemory.Reader reader = memory.AsReader();
        return GuestPageWalk.Translate(reader, cr0, cr3, cr4, efer, linear, out physical);
    }

    private static ulong? Long(GuestPageTables tables, ulong linear) =>
        Translate(tables.Memory, linear, LongCr0, tables.Root, LongCr4, LongEfer, out ulong physical) ? physical : null;

    private static ulong? Pae(GuestPageTables tables, ulong linear) =>
        Translate(tables.Memory, linear, Cr0Paging | Cr0Protection, tables.Root, Cr4Pae, 0, out ulong physical) ? physical : null;

    private static ulong? Legacy(GuestPageTables tables, ulong linear, bool pse = true) =>
        Translate(tables.Memory, linear, Cr0Paging | Cr0Protection, tables.Root, pse ? Cr4Pse : 0, 0, out ulong physical) ? physical : null;

    [Theory]
    [InlineData(0x0UL, 0x0UL)]
    [InlineData(0xF_FFF0UL, 0xF_FFF0UL)]
    [InlineData(0xFFFF_FFFFUL, 0xFFFF_FFFFUL)]
    [InlineData(0x1_0000_1234UL, 0x1234UL)]   // linear addresses are 32 bits outside long mode
    public void PagingOffIsIdentityWithoutReadingMemory(ulong linear, ulong expected)
    {
        var memory = new FakeGuestMemory();
        foreach (ulong cr4 in new[] { 0UL, Cr4Pae, Cr4Pse })
        {
            Assert.True(Translate(memory, linear, Cr0Protection, 0xDEAD_B000, cr4, EferLme, out ulong physical));
            Assert.Equal(expected, physical);
        }
        Assert.Empty(memory.Reads);
    }

    [Fact]
    public void LongModeFourKibPages()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapLong(0x40_1000, 0x7_0000, Kib4);
        tables.MapLong(0xFFFF_8000_0000_0000, 0x1234_5678_9000, Kib4);
        tables.MapLong(0x7FFF_FFFF_F000, 0x000F_FFFF_FFFF_F000, Kib4);   // highest canonical low page, highest physical page
        Assert.Equal(0x7_0ABCUL, Long(tables, 0x40_1ABC));
        Assert.Equal(0x1234_5678_9FFFUL, Long(tables, 0xFFFF_8000_0000_0FFF));
        Assert.Equal(0x000F_FFFF_FFFF_FFFFUL, Long(tables, 0x7FFF_FFFF_FFFF));
        Assert.Null(Long(tables, 0x40_2000));          // PTE not present
        Assert.Null(Long(tables, 0x8000_0000));        // PDPTE not present
        Assert.Null(Long(tables, 0x80_0000_0000));     // PML4E not present
    }

    [Fact]
    public void LongModeReadsTheEntriesTheCpuReads()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        ulong linear = 0xFFFF_8123_4567_89AB;
        tables.MapLong(linear & ~0xFFFUL, 0x9000, Kib4);
        tables.Memory.Reads.Clear();
        Assert.Equal(0x99ABUL, Long(tables, linear));
        ulong pml4Index = (linear >> 39) & 0x1FF, pdptIndex = (linear >> 30) & 0x1FF, pdIndex = (linear >> 21) & 0x1FF, ptIndex = (linear >> 12) & 0x1FF;
        Assert.Equal(4, tables.Memory.Reads.Count);
        Assert.Equal(tables.Root + pml4Index * 8, tables.Memory.Reads[0]);
        Assert.Equal(pdptIndex * 8, tables.Memory.Reads[1] & 0xFFF);
        Assert.Equal(pdIndex * 8, tables.Memory.Reads[2] & 0xFFF);
        Assert.Equal(ptIndex * 8, tables.Memory.Reads[3] & 0xFFF);
    }

    [Fact]
    public void LongModeLargePages()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapLong(0x20_0000, 0x1_2340_0000, Mib2);
        tables.MapLong(0x40_0000_0000, 0x3_C000_0000, Gib1);
        Assert.Equal(0x1_2340_0000UL, Long(tables, 0x20_0000));
        Assert.Equal(0x1_235F_FFFFUL, Long(tables, 0x3F_FFFF));
        Assert.Equal(0x3_C000_0000UL + 0x3ABC_DEF0, Long(tables, 0x40_3ABC_DEF0));
        Assert.Equal(0x3_FFFF_FFFFUL, Long(tables, 0x40_3FFF_FFFF));
    }

    [Fact]
    public void LargePagePatBitAndHighBitsAreNotAddressBits()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        // Bit 12 is PAT in a large-page entry; bits 62:52 (available, protection key) and 63 (NX) are not address bits.
        tables.MapLong(0x20_0000, 0x60_0000, Mib2, extraBits: 1UL << 12 | 0x7FF0_0000_0000_0000 | 1UL << 63);
        tables.MapLong(0x4000_0000, 0x8000_0000, Gib1, extraBits: 1UL << 12 | 0xFFF0_0000_0000_0000);
        tables.MapLong(0x1000, 0x5000, Kib4, extraBits: 0xFFF0_0000_0000_0000);
        Assert.Equal(0x60_0123UL, Long(tables, 0x20_0123));
        Assert.Equal(0x8000_0123UL, Long(tables, 0x4000_0123));
        Assert.Equal(0x5123UL, Long(tables, 0x1123));
    }

    [Theory]
    [InlineData(0x0000_8000_0000_0000UL)]
    [InlineData(0xFFFF_7FFF_FFFF_FFFFUL)]
    [InlineData(0x8000_0000_0000_0000UL)]
    [InlineData(0x0001_0000_0000_0000UL)]
    public void LongModeRefusesNonCanonicalAddresses(ulong linear)
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapLong(linear & 0x7FFF_FFFF_F000, 0x5000, Kib4);
        tables.Memory.Reads.Clear();
        Assert.Null(Long(tables, linear));
        Assert.Empty(tables.Memory.Reads);
    }

    [Fact]
    public void FiveLevelPagingAndInconsistentLongModeAreRefused()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapLong(0x1000, 0x5000, Kib4);
        Assert.True(Translate(tables.Memory, 0x1000, LongCr0, tables.Root, LongCr4, LongEfer, out _));
        Assert.False(Translate(tables.Memory, 0x1000, LongCr0, tables.Root, LongCr4 | Cr4La57, LongEfer, out _));
        Assert.False(Translate(tables.Memory, 0x1000, Cr0Protection, tables.Root, LongCr4, LongEfer, out _));   // LMA without paging
        Assert.False(Translate(tables.Memory, 0x1000, LongCr0, tables.Root, 0, LongEfer, out _));               // LMA without PAE
    }

    [Fact]
    public void LongModeCr3LowBitsAreNotPartOfTheRoot()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapLong(0x1000, 0x5000, Kib4);
        // PCD, PWT and a PCID in bits 11:0; bit 63 (no-flush with PCIDs).
        Assert.True(Translate(tables.Memory, 0x1000, LongCr0, tables.Root | 0xFFF | 1UL << 63, LongCr4, LongEfer, out ulong physical));
        Assert.Equal(0x5000UL, physical);
    }

    [Fact]
    public void PaeFourKibAndTwoMibPages()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapPae(0x0040_1000, 0x7000, Kib4);
        tables.MapPae(0xC020_0000, 0x2_0040_0000, Mib2);   // above 4 GiB: PAE reaches it
        tables.MapPae(0xFFFF_F000, 0xF_FFFF_F000, Kib4);
        Assert.Equal(0x7123UL, Pae(tables, 0x0040_1123));
        Assert.Equal(0x2_0041_2345UL, Pae(tables, 0xC021_2345));
        Assert.Equal(0xF_FFFF_FFFFUL, Pae(tables, 0xFFFF_FFFF));
        Assert.Null(Pae(tables, 0x0040_2000));       // PTE not present
        Assert.Null(Pae(tables, 0x0060_0000));       // PDE not present
        Assert.Null(Pae(tables, 0x4000_0000));       // PDPTE not present
        Assert.Equal(0x7123UL, Pae(tables, 0x1_0040_1123));   // 32-bit linear addresses
    }

    [Fact]
    public void PaePdptNeedsOnly32ByteAlignment()
    {
        var memory = new FakeGuestMemory();
        var tables = new GuestPageTables(memory);
        tables.MapPae(0x0040_1000, 0x7000, Kib4);
        // Copy the four PDPTEs to a 32-byte aligned spot inside another page.
        ulong pdpt = 0x9_0060;
        for (ulong i = 0; i < 4; i++)
        {
            memory.TryRead(tables.Root + i * 8, out ulong pdpte);
            memory.Write64(pdpt + i * 8, pdpte);
        }
        Assert.True(Translate(memory, 0x0040_1123, Cr0Paging, pdpt | 0x18 /* PWT, PCD */, Cr4Pae, 0, out ulong physical));
        Assert.Equal(0x7123UL, physical);
    }

    [Fact]
    public void Legacy32BitPages()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.Map32(0x0040_1000, 0x7000, Kib4);
        tables.Map32(0x0040_2000, 0xFFFF_F000, Kib4);   // the odd entry: the high half of its qword
        tables.Map32(0xFFFF_F000, 0x1234_5000, Kib4);
        Assert.Equal(0x7ABCUL, Legacy(tables, 0x0040_1ABC));
        Assert.Equal(0xFFFF_FFFFUL, Legacy(tables, 0x0040_2FFF));
        Assert.Equal(0x1234_5FFFUL, Legacy(tables, 0xFFFF_FFFF));
        Assert.Null(Legacy(tables, 0x0040_3000));
        Assert.Null(Legacy(tables, 0x0080_0000));
    }

    [Fact]
    public void Legacy4MibPagesNeedPseAndCarryPse36Bits()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.Map32(0x0040_0000, 0x0080_0000, Mib4);
        tables.Map32(0x00C0_0000, 0xAB_FFC0_0000, Mib4);   // physical bits 39:32 from PDE bits 20:13
        Assert.Equal(0x0080_1234UL, Legacy(tables, 0x0040_1234));
        Assert.Equal(0xAB_FFFF_FFFFUL, Legacy(tables, 0x00FF_FFFF));
        // Without CR4.PSE the PS bit is ignored: the PDE's address is taken as a page table.
        var memory = tables.Memory;
        memory.Write32(0x0080_0000 + 1 * 4, 0x0000_9000 | 1);   // entry 1 of "table" 0x800000
        Assert.Equal(0x9234UL, Legacy(tables, 0x0040_1234, pse: false));
    }

    // The reader failing at any level (the nested table maps nothing there) fails the walk.
    [Fact]
    public void UnreadableTablesFailTheWalk()
    {
        foreach (int level in new[] { 0, 1, 2, 3 })
        {
            var tables = new GuestPageTables(new FakeGuestMemory());
            tables.MapLong(0x1000, 0x5000, Kib4);
            tables.Memory.Reads.Clear();
            Assert.Equal(0x5000UL, Long(tables, 0x1000));
            ulong table = tables.Memory.Reads[level];
            tables.Memory.Unmap(table);
            Assert.Null(Long(tables, 0x1000));
        }
        var legacy = new GuestPageTables(new FakeGuestMemory());
        legacy.Map32(0x1000, 0x5000, Kib4);
        legacy.Memory.Unmap(legacy.Root);
        Assert.Null(Legacy(legacy, 0x1000));
    }

    // Random mappings in each mode, written by the test's own table builder, translate back.
    [Fact]
    public void RandomMappingsTranslateBack()
    {
        var random = new Random(17);
        for (int round = 0; round < 200; round++)
        {
            int mode = round % 3;
            // Outside long mode CR3 (and with 32-bit paging every table) lies below 4 GiB.
            var tables = new GuestPageTables(new FakeGuestMemory(), tableBase: mode == 0 ? 0x100_0000_0000UL : 0x10_0000UL);
            var mappings = new Dictionary<ulong, (ulong Physical, ulong Size)>();
            for (int i = 0; i < 20; i++)
            {
                ulong size = mode switch
                {
                    0 => new[] { Kib4, Mib2, Gib1 }[random.Next(3)],
                    1 => new[] { Kib4, Mib2 }[random.Next(2)],
                    _ => new[] { Kib4, Mib4 }[random.Next(2)],
                };
                ulong linear = mode == 0 ? (ulong)random.NextInt64(0, 1L << 48) : (ulong)random.NextInt64(0, 1L << 32);
                if (mode == 0 && (linear >> 47) != 0)
                    linear |= 0xFFFF_0000_0000_0000;
                linear &= ~(size - 1);
                // 32-bit paging reaches 40 bits with 4 MiB pages (PSE-36), 32 bits with 4 KiB pages.
                ulong physicalLimit = mode != 2 ? 1UL << 52 : size == Mib4 ? 1UL << 40 : 1UL << 32;
                ulong physical = (ulong)random.NextInt64(0, (long)(physicalLimit >> 12)) << 12 & ~(size - 1);
                // Keep each mapping alone at its level: skip anything that shares a table slot.
                ulong region = mode switch { 0 => Gib1, 1 => Mib2, _ => Mib4 };
                bool clash = false;
                foreach (ulong other in mappings.Keys)
                    clash |= (other & ~(region - 1)) == (linear & ~(region - 1));
                if (clash)
                    continue;
                if (mode == 0) tables.MapLong(linear, physical, size);
                else if (mode == 1) tables.MapPae(linear, physical, size);
                else tables.Map32(linear, physical, size);
                mappings[linear] = (physical, size);
            }
            foreach (var (linear, (physical, size)) in mappings)
            {
                ulong offset = (ulong)random.NextInt64(0, (long)size);
                ulong? result = mode switch { 0 => Long(tables, linear + offset), 1 => Pae(tables, linear + offset), _ => Legacy(tables, linear + offset) };
                Assert.True(physical + offset == result, $"mode {mode}: {linear + offset:X} -> {result:X}, expected {physical + offset:X} ({size:X} page)");
            }
        }
    }

    // Random registers over random memory (every qword readable, random contents): never an
    // exception, never an address at or above 2^52 (2^40 for 32-bit paging).
    [Fact]
    public void RandomTablesNeverThrowOrEscape52Bits()
    {
        var random = new Random(23);
        for (int round = 0; round < 50_000; round++)
        {
            var reader = new RandomMemory(random.Next(), random.Next(8) == 0);
            ulong cr0 = random.Next(4) == 0 ? 0 : Cr0Paging, cr4 = (ulong)random.Next(1 << 13), efer = random.Next(2) == 0 ? LongEfer : 0;
            ulong linear = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            if (GuestPageWalk.Translate(reader, cr0, (ulong)random.NextInt64(), cr4, efer, linear, out ulong physical))
                Assert.True(physical < 1UL << 52, $"{physical:X}");
            else
                Assert.Equal(0UL, physical);
        }
    }

    private struct RandomMemory : IGuestPhysicalReader
    {
        private readonly int _seed;
        private readonly bool _sometimesUnmapped;

        public RandomMemory(int seed, bool sometimesUnmapped)
        {
            _seed = seed;
            _sometimesUnmapped = sometimesUnmapped;
        }

        public bool TryReadQword(ulong guestPhysical, out ulong value)
        {
            Assert.Equal(0UL, guestPhysical % 8);
            var random = new Random(HashCode.Combine(_seed, guestPhysical));
            value = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            value |= (ulong)random.Next(4) != 0 ? 1UL : 0;   // mostly present
            return !_sometimesUnmapped || random.Next(4) != 0;
        }
    }

    [Fact]
    public void FetchCrossesPagesThatMapAnywhere()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapLong(0x7000, 0x2_0000, Kib4);
        tables.MapLong(0x8000, 0x1_0000, Kib4);
        byte[] code = [0x66, 0x0F, 0x01, 0xD9, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xCC];
        tables.Memory.WriteBytes(0x2_0FFA, code.AsSpan(0, 6));
        tables.Memory.WriteBytes(0x1_0000, code.AsSpan(6));
        var reader = tables.Memory.AsReader();
        byte[] fetched = new byte[15];
        Assert.Equal(15, GuestPageWalk.Fetch(reader, LongCr0, tables.Root, LongCr4, LongEfer, 0x7FFA, fetched));
        Assert.Equal(code, fetched);
        Assert.Equal(4, InstructionLength.Of(fetched, ExitInstruction.Vmmcall, longMode: true));
    }

    [Fact]
    public void FetchStopsWhereTranslationOrMemoryStops()
    {
        var tables = new GuestPageTables(new FakeGuestMemory());
        tables.MapLong(0x7000, 0x2_0000, Kib4);
        tables.Memory.WriteBytes(0x2_0FFD, [0x0F, 0x01, 0xD9]);
        var reader = tables.Memory.AsReader();
        byte[] fetched = new byte[15];
        Assert.Equal(3, GuestPageWalk.Fetch(reader, LongCr0, tables.Root, LongCr4, LongEfer, 0x7FFD, fetched));   // next page not mapped
        Assert.Equal(3, InstructionLength.Of(fetched.AsSpan(0, 3), ExitInstruction.Vmmcall, true));

        tables.MapLong(0x8000, 0x3_0000, Kib4);   // mapped by the guest, but not backed in the nested table
        reader = tables.Memory.AsReader();
        Assert.Equal(3, GuestPageWalk.Fetch(reader, LongCr0, tables.Root, LongCr4, LongEfer, 0x7FFD, fetched));
        Assert.Equal(0, GuestPageWalk.Fetch(reader, LongCr0, tables.Root, LongCr4, LongEfer, 0x9000, fetched));
        Assert.Equal(0, GuestPageWalk.Fetch(reader, LongCr0, tables.Root, LongCr4, LongEfer, 0x7000, Span<byte>.Empty));
    }

    [Fact]
    public void FetchWithPagingOffWrapsAt4GiB()
    {
        var memory = new FakeGuestMemory();
        memory.WriteBytes(0xFFFF_FFFE, [0x0F, 0xA2]);
        memory.WriteBytes(0, [0xF4, 0x00]);
        var reader = memory.AsReader();
        byte[] fetched = new byte[4];
        Assert.Equal(4, GuestPageWalk.Fetch(reader, Cr0Protection, 0, 0, 0, 0xFFFF_FFFE, fetched));
        Assert.Equal(new byte[] { 0x0F, 0xA2, 0xF4, 0x00 }, fetched);
    }
}
