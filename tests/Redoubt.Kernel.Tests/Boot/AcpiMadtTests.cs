using System;
using Redoubt.Kernel.Boot;
using Xunit;
using static Redoubt.Kernel.Tests.Boot.AcpiCalls;
using static Redoubt.Kernel.Tests.Boot.AcpiScene;
using static Redoubt.Kernel.Tests.Boot.AcpiTableBuilder;

namespace Redoubt.Kernel.Tests.Boot;

// MadtCpus: the usable processors' APIC IDs and the local APIC address.
public class AcpiMadtTests
{
    private const ulong At = 0x30000;

    private static AcpiTestMachine WithMadt(byte[] madt)
    {
        AcpiTestMachine machine = Build();
        machine.Write(At, madt);
        return machine;
    }

    private static (AcpiStatus Status, uint[] ApicIds, ulong LocalApic) Cpus(byte[] madt, int capacity = 64) =>
        AcpiCalls.Cpus(WithMadt(madt), At, capacity);

    [Fact]
    public void Enabled_and_online_capable_processors_in_table_order()
    {
        AcpiTestMachine machine = Build();
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC", out ulong madt, out _));
        var (status, ids, localApic) = AcpiCalls.Cpus(machine, madt);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new uint[] { 0, 2, 6, 0x100 }, ids);
        Assert.Equal((ulong)LocalApicBase, localApic);
    }

    [Fact]
    public void The_override_replaces_the_32_bit_address()
    {
        var (status, ids, localApic) = Cpus(Madt(LocalApicBase, LocalApic(0, 0, 1), ApicAddressOverride(0x1_2345_6000), LocalApic(1, 1, 1)));
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new uint[] { 0, 1 }, ids);
        Assert.Equal(0x1_2345_6000UL, localApic);
    }

    [Fact]
    public void X2apic_entries_and_mixed_lists()
    {
        var (status, ids, _) = Cpus(Madt(LocalApicBase, X2Apic(0x1_0000, 1, 0), LocalApic(1, 254, 1), X2Apic(255, 1, 2), X2Apic(300, 0, 3), X2Apic(301, 2, 4)));
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new uint[] { 0x1_0000, 254, 255, 301 }, ids);
    }

    [Fact]
    public void Other_entries_are_stepped_over_and_an_empty_list_is_valid()
    {
        var (status, ids, localApic) = Cpus(Madt(0xFEE0_0000, IoApic(1, 0xFEC0_0000, 0), InterruptOverride(9, 9), LocalApicNmi(), [0x7F, 3, 0], [0x10, 2]));
        Assert.Equal((AcpiStatus.Success, 0, 0xFEE0_0000UL), (status, ids.Length, localApic));
        Assert.Equal((AcpiStatus.Success, 0), (Cpus(Madt(0)).Status, Cpus(Madt(0)).ApicIds.Length));
    }

    // Later MADT revisions may append fields: longer processor entries are read by their start.
    [Fact]
    public void Longer_processor_entries_are_accepted()
    {
        byte[] lapic = [0, 10, 0, 7, 1, 0, 0, 0, 0xAA, 0xBB];
        byte[] x2apic = [9, 20, 0, 0, 0x34, 0x12, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0xCC, 0xDD, 0xEE, 0xFF];
        var (status, ids, _) = Cpus(Madt(LocalApicBase, lapic, x2apic));
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new uint[] { 7, 0x1234 }, ids);
    }

    [Fact]
    public void Broadcast_ids_and_disabled_duplicates_are_no_cpus()
    {
        var (status, ids, _) = Cpus(Madt(LocalApicBase, LocalApic(0, 0xFF, 1), X2Apic(0xFFFF_FFFF, 1, 1), LocalApic(2, 3, 1), LocalApic(3, 3, 0), X2Apic(3, 0, 4)));
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(new uint[] { 3 }, ids);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 1, 1 })]
    [InlineData(new byte[] { 0, 6, 0, 1, 1, 0 })]
    [InlineData(new byte[] { 0, 7, 0, 1, 1, 0, 0 })]
    [InlineData(new byte[] { 9, 12, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 })]
    [InlineData(new byte[] { 5, 10, 0, 0, 0, 0, 0xE0, 0xFE, 0, 0 })]
    [InlineData(new byte[] { 1, 40, 0, 0, 0, 0, 0xC0, 0xFE, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x7F })]
    [InlineData(new byte[] { 0, 8, 0, 1, 1, 0, 0, 0, 0 })]
    public void Malformed_entries_are_refused(byte[] tail)
    {
        Assert.Equal(AcpiStatus.BadMadtEntry, Cpus(Madt(LocalApicBase, LocalApic(0, 0, 1), tail)).Status);
    }

    [Fact]
    public void Refusals()
    {
        Assert.Equal(AcpiStatus.DuplicateApicId, Cpus(Madt(LocalApicBase, LocalApic(0, 5, 1), X2Apic(5, 1, 1))).Status);
        Assert.Equal(AcpiStatus.DuplicateApicId, Cpus(Madt(LocalApicBase, LocalApic(0, 5, 2), LocalApic(1, 5, 1))).Status);
        Assert.Equal(AcpiStatus.DuplicateApicAddressOverride,
            Cpus(Madt(LocalApicBase, ApicAddressOverride(0xFEE0_0000), LocalApic(0, 0, 1), ApicAddressOverride(0xFEE0_0000))).Status);

        Assert.Equal(AcpiStatus.TooManyCpus, AcpiCalls.Cpus(Build(), ApicAt, capacity: 3).Status);
        Assert.Equal(AcpiStatus.Success, AcpiCalls.Cpus(Build(), ApicAt, capacity: 4).Status);
        Assert.Equal(AcpiStatus.TooManyCpus, AcpiCalls.Cpus(Build(), ApicAt, capacity: 0).Status);

        Assert.Equal(AcpiStatus.WrongSignature, AcpiCalls.Cpus(Build(), DmarAt).Status);
        Assert.Equal(AcpiStatus.BadTableLength, Cpus(Table("APIC", new byte[4])).Status);
        Assert.Equal(AcpiStatus.TableUnreadable, AcpiCalls.Cpus(Build(), MemorySize).Status);
        Assert.Equal(AcpiStatus.TableUnreadable, AcpiCalls.Cpus(Build(), ulong.MaxValue - 3).Status);

        AcpiTestMachine checksum = Build();
        checksum.Bytes(ApicAt + 47, 1)[0] ^= 0x10;
        Assert.Equal(AcpiStatus.BadTableChecksum, AcpiCalls.Cpus(checksum, ApicAt).Status);

        // A Length reaching past the memory's end.
        AcpiTestMachine pastEnd = Build();
        byte[] madt = Madt(LocalApicBase, LocalApic(0, 0, 1));
        pastEnd.Write(MemorySize - (ulong)madt.Length, madt);
        pastEnd.Write(MemorySize - (ulong)madt.Length + 4, U32((uint)madt.Length + 8));
        Assert.Equal(AcpiStatus.TableUnreadable, AcpiCalls.Cpus(pastEnd, MemorySize - (ulong)madt.Length).Status);
    }

    // 256 processors, every xAPIC ID but the broadcast one plus one x2APIC: fills a 256-entry
    // output exactly, refuses a 255-entry one.
    [Fact]
    public void Many_processors()
    {
        var entries = new byte[256][];
        for (int id = 0; id < 255; id++)
            entries[id] = LocalApic((byte)id, (byte)id, 1);
        entries[255] = X2Apic(0x1FF, 1, 255);
        byte[] madt = Madt(LocalApicBase, entries);
        Assert.Equal(AcpiStatus.Success, Cpus(madt, capacity: 256).Status);
        Assert.Equal(256, Cpus(madt, capacity: 256).ApicIds.Length);
        Assert.Equal(AcpiStatus.TooManyCpus, Cpus(madt, capacity: 255).Status);
    }
}
