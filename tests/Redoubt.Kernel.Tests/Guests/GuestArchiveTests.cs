using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Redoubt.Kernel.Tests.Abi;
using Xunit;

namespace Redoubt.Kernel.Tests.Guests;

// The test-guest kit's archive, as the solution build leaves it (src/Redoubt.Guests): exactly
// the five files, packed deterministically; the benchmark loops byte for byte the shape of the
// KVM baseline's loops, so both measure the same guest; testkit.elf loadable at 1 MiB.
public sealed class GuestArchiveTests
{
    private static readonly Lazy<NewcArchive.Entry[]> s_entries = new(() =>
    {
        string path = Path.Combine(RepoRoot.Find(), "artifacts", "image", "guests.cpio");
        Assert.True(File.Exists(path), $"{path} not found: build the solution first (./redoubt build)");
        return NewcArchive.Read(File.ReadAllBytes(path)).ToArray();
    });

    // top: 66 31 C0 (xor eax, eax); <exiting instruction>; 66 4E (dec esi); 75 rel8 (jnz top);
    // E6 11 (out LoopDone, al); F4 (hlt); EB FE (jmp $). Exits: E6 80 (out PostCode, al),
    // 0F A2 (cpuid), E6 10 (out Echo, al).
    public static TheoryData<string, byte[]> BenchLoops => new()
    {
        { "bench/loop.bin", [0x66, 0x31, 0xC0, 0x66, 0x4E, 0x75, 0xF9, 0xE6, 0x11, 0xF4, 0xEB, 0xFE] },
        { "bench/null.bin", [0x66, 0x31, 0xC0, 0xE6, 0x80, 0x66, 0x4E, 0x75, 0xF7, 0xE6, 0x11, 0xF4, 0xEB, 0xFE] },
        { "bench/cpuid.bin", [0x66, 0x31, 0xC0, 0x0F, 0xA2, 0x66, 0x4E, 0x75, 0xF7, 0xE6, 0x11, 0xF4, 0xEB, 0xFE] },
        { "bench/pio.bin", [0x66, 0x31, 0xC0, 0xE6, 0x10, 0x66, 0x4E, 0x75, 0xF7, 0xE6, 0x11, 0xF4, 0xEB, 0xFE] },
    };

    [Fact]
    public void Archive_holds_exactly_the_kit_files_sorted_with_fixed_metadata()
    {
        Assert.Equal(
            ["bench/cpuid.bin", "bench/loop.bin", "bench/null.bin", "bench/pio.bin", "testkit.elf"],
            s_entries.Value.Select(e => e.Name).ToArray());
        foreach (NewcArchive.Entry entry in s_entries.Value)
        {
            Assert.True(entry.Mode == 0x81A4, $"{entry.Name}: mode {entry.Mode:x} (want a regular file, 0644)");
            Assert.True(entry.Uid == 0 && entry.Gid == 0 && entry.MTime == 0, $"{entry.Name}: uid {entry.Uid}, gid {entry.Gid}, mtime {entry.MTime}");
        }
    }

    [Theory]
    [MemberData(nameof(BenchLoops))]
    public void Bench_loop_is_the_baseline_loop_byte_for_byte(string name, byte[] expected)
    {
        Assert.Equal(expected, s_entries.Value.Single(e => e.Name == name).Data);
    }

    [Fact]
    public void Testkit_is_an_x86_64_executable_loaded_between_1_and_2_MiB()
    {
        ReadOnlySpan<byte> elf = s_entries.Value.Single(e => e.Name == "testkit.elf").Data;
        Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], elf[..4].ToArray());
        Assert.Equal(2, elf[4]);                                        // ELFCLASS64
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(elf[16..]));   // ET_EXEC
        Assert.Equal(62, BinaryPrimitives.ReadUInt16LittleEndian(elf[18..]));  // EM_X86_64
        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(elf[24..]);
        ulong programHeaders = BinaryPrimitives.ReadUInt64LittleEndian(elf[32..]);
        int headerSize = BinaryPrimitives.ReadUInt16LittleEndian(elf[54..]), headerCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[56..]);

        ulong lowest = ulong.MaxValue, highest = 0;
        bool entryLoaded = false;
        for (int i = 0; i < headerCount; i++)
        {
            ReadOnlySpan<byte> header = elf[((int)programHeaders + i * headerSize)..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != 1)     // PT_LOAD
                continue;
            ulong virtualAddress = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
            ulong physicalAddress = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            ulong memorySize = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
            Assert.Equal(virtualAddress, physicalAddress);
            lowest = Math.Min(lowest, virtualAddress);
            highest = Math.Max(highest, virtualAddress + memorySize);
            entryLoaded |= entry >= virtualAddress && entry < virtualAddress + memorySize;
        }
        Assert.Equal(0x10_0000UL, lowest);
        Assert.True(highest <= 0x20_0000, $"the image ends at {highest:x}, past 2 MiB");
        Assert.True(entryLoaded, $"entry {entry:x} is in no PT_LOAD segment");
    }
}
