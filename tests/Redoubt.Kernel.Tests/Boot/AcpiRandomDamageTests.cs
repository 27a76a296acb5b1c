using System;
using System.Buffers.Binary;
using System.Linq;
using Redoubt.Kernel.Boot;
using Xunit;
using static Redoubt.Kernel.Tests.Boot.AcpiCalls;
using static Redoubt.Kernel.Tests.Boot.AcpiScene;
using static Redoubt.Kernel.Tests.Boot.AcpiTableBuilder;

namespace Redoubt.Kernel.Tests.Boot;

// Random damage to the scene's tables: random bytes, lengths and counts, addresses of other
// tables (duplicates, cycles, overlaps); half the time the damaged table's checksum is fixed so
// the damage reaches past it. No operation may throw; every refusal leaves memory as it was
// and read-only operations never write (AcpiCalls checks both); what is accepted keeps its
// promises.
public class AcpiRandomDamageTests
{
    private static readonly ulong[] Structures = [RsdpAt, XsdtAt, RsdtAt, .. Tables];
    private static readonly uint[] Interesting = [0, 1, 2, 4, 8, 12, 16, 35, 36, 44, 48, 52, 0x80, 0xFFFF, 0x10_0000, 0x10_0001, 0xFFFF_FFFF];

    [Fact]
    public void Random_damage_never_throws_and_refusals_change_nothing()
    {
        var random = new Random(7);
        int hiddenOk = 0, refused = 0;
        for (int round = 0; round < 3000; round++)
        {
            bool acpi1 = round % 5 == 0;
            AcpiTestMachine machine = Build(rsdpRevision: acpi1 ? (byte)0 : (byte)2, withXsdt: !acpi1);
            for (int damage = random.Next(1, 4); damage > 0; damage--)
                Damage(machine, random, fixChecksum: round % 2 == 0);

            if (Find(machine, "APIC", out ulong madt, out uint madtLength) == AcpiStatus.Success)
            {
                Assert.InRange(madtLength, 36u, AcpiTables.MaxTableLength);
                var cpus = AcpiCalls.Cpus(machine, madt, capacity: 8);
                Assert.True(cpus.Status != AcpiStatus.Success || cpus.ApicIds.Distinct().Count() == cpus.ApicIds.Length);
            }
            AcpiCalls.Cpus(machine, ApicAt, capacity: random.Next(0, 6));

            var (status, hidden, windows) = Hide(machine, hiddenCapacity: random.Next(2, 6), windowCapacity: random.Next(1, 5));
            if (status != AcpiStatus.Success)
            {
                refused++;
                continue;
            }
            hiddenOk++;
            foreach (AcpiHiddenTable table in hidden)
            {
                Assert.Contains(table.Signature, Kept);
                Assert.Equal("RDBT"u8.ToArray(), machine.Read(table.Address, 4));
                Assert.Equal(AcpiStatus.NotFound, Find(machine, Name(table.Signature)));
            }
            foreach (AcpiRegisterWindow window in windows)
            {
                Assert.Equal(0UL, window.Base % 4096);
                Assert.Equal(0UL, window.Length % 4096);
                Assert.True(window.Length > 0 && window.Base <= ulong.MaxValue - window.Length);
            }
            // No table of a hidden signature is left in the roots the RSDP names.
            byte[] rsdp = machine.Read(RsdpAt, 36);
            ulong[] roots = [BinaryPrimitives.ReadUInt32LittleEndian(rsdp.AsSpan(16)), rsdp[15] >= 2 ? BinaryPrimitives.ReadUInt64LittleEndian(rsdp.AsSpan(24)) : 0];
            foreach (ulong root in roots.Where(r => r != 0))
            {
                foreach (ulong entry in RootEntries(machine, root).Where(e => e != 0))
                    Assert.DoesNotContain(BinaryPrimitives.ReadUInt32LittleEndian(machine.Read(entry, 4)), Kept);
            }
            Assert.Equal(AcpiStatus.Success, Hide(machine).Status);
        }
        // The damage reaches both outcomes often.
        Assert.InRange(hiddenOk, 200, 3000);
        Assert.InRange(refused, 200, 3000);
    }

    private static void Damage(AcpiTestMachine machine, Random random, bool fixChecksum)
    {
        ulong structure = Structures[random.Next(Structures.Length)];
        bool rsdp = structure == RsdpAt;
        int length = rsdp ? 36 : (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(machine.Read(structure + 4, 4)), 0x1000);
        int offset = random.Next(Math.Max(length, 1));
        Span<byte> bytes = machine.Bytes(structure + (ulong)offset, Math.Min(8, (int)(MemorySize - structure - (ulong)offset)));
        switch (random.Next(3))
        {
            case 0:
                bytes[0] = (byte)random.Next(256);
                break;
            case 1:
                if (bytes.Length >= 4)
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes, Interesting[random.Next(Interesting.Length)]);
                break;
            default:
                if (bytes.Length >= 8)
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes, Structures[random.Next(Structures.Length)] + (ulong)random.Next(3) * 8);
                break;
        }
        if (!fixChecksum)
            return;
        if (rsdp)
        {
            FixRsdpChecksums(machine.Bytes(RsdpAt, 36));
            return;
        }
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(machine.Read(structure + 4, 4));
        if (declared >= 10 && structure + declared <= MemorySize)
            FixChecksum(machine.Bytes(structure, (int)declared));
    }
}
