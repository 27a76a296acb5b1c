using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using Redoubt.Kernel.Boot;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

// AcpiTables' operations over an AcpiTestMachine, with arrays in and out, and the checks every
// test repeats: a read-only operation never writes; a refused HideTables changes no byte (its
// probe may rewrite bytes with their own values).
public static class AcpiCalls
{
    // What Redoubt hides: the IOMMU's tables and the TPM's.
    public static readonly uint[] Kept = [AcpiSignature.Dmar, AcpiSignature.Ivrs, AcpiSignature.Tpm2, AcpiSignature.Tcpa];

    public static uint Signature(string name) => AcpiSignature.FromAscii(Encoding.ASCII.GetBytes(name));

    public static string Name(uint signature)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, signature);
        return Encoding.ASCII.GetString(bytes);
    }

    public static AcpiStatus Find(AcpiTestMachine machine, string signature, out ulong address, out uint length, ulong rsdp = AcpiScene.RsdpAt)
    {
        int writes = machine.Writes;
        AcpiTestMemory memory = machine.Memory;
        AcpiStatus status = AcpiTables.FindTable(ref memory, rsdp, Signature(signature), out address, out length);
        Assert.Equal(writes, machine.Writes);
        if (status != AcpiStatus.Success)
            Assert.Equal((0UL, 0U), (address, length));
        return status;
    }

    public static AcpiStatus Find(AcpiTestMachine machine, string signature, ulong rsdp = AcpiScene.RsdpAt) =>
        Find(machine, signature, out _, out _, rsdp);

    public static (AcpiStatus Status, uint[] ApicIds, ulong LocalApic) Cpus(AcpiTestMachine machine, ulong madt, int capacity = 64)
    {
        int writes = machine.Writes;
        var ids = new uint[capacity];
        AcpiTestMemory memory = machine.Memory;
        AcpiStatus status = AcpiTables.MadtCpus(ref memory, madt, ids, out int count, out ulong localApic);
        Assert.Equal(writes, machine.Writes);
        if (status != AcpiStatus.Success)
            Assert.Equal((0, 0UL), (count, localApic));
        return (status, ids[..count], localApic);
    }

    public static (AcpiStatus Status, AcpiHiddenTable[] Hidden, AcpiRegisterWindow[] Windows) Hide(AcpiTestMachine machine,
        ulong rsdp = AcpiScene.RsdpAt, uint[]? signatures = null, int hiddenCapacity = 16, int windowCapacity = 16)
    {
        int writes = machine.Writes, changes = machine.Changes;
        var hidden = new AcpiHiddenTable[hiddenCapacity];
        var windows = new AcpiRegisterWindow[windowCapacity];
        AcpiTestMemory memory = machine.Memory;
        AcpiStatus status = AcpiTables.HideTables(ref memory, rsdp, signatures ?? Kept, hidden, out int hiddenCount, windows, out int windowCount);
        if (status != AcpiStatus.Success)
        {
            Assert.Equal((0, 0), (hiddenCount, windowCount));
            if (status != AcpiStatus.WriteFailed)
                Assert.True(changes == machine.Changes, $"{status} changed memory");
            if (status != AcpiStatus.NotWritable && status != AcpiStatus.WriteFailed)
                Assert.Equal(writes, machine.Writes);
        }
        return (status, hidden[..hiddenCount], windows[..windowCount]);
    }

    // A refused HideTables, checked to have changed nothing.
    public static void AssertHideRefused(AcpiTestMachine machine, AcpiStatus expected, ulong rsdp = AcpiScene.RsdpAt)
    {
        byte[][] before = machine.Snapshot();
        Assert.Equal(expected, Hide(machine, rsdp).Status);
        Assert.True(machine.Matches(before));
    }

    public static (string Signature, ulong Address, uint Length)[] Describe(AcpiHiddenTable[] hidden) =>
        hidden.Select(h => (Name(h.Signature), h.Address, h.Length)).ToArray();

    public static (string Signature, ulong Base, ulong Length)[] Describe(AcpiRegisterWindow[] windows) =>
        windows.Select(w => (Name(w.Signature), w.Base, w.Length)).ToArray();

    // The entries of the root table at address (4- or 8-byte), after checking its checksum.
    public static ulong[] RootEntries(AcpiTestMachine machine, ulong address)
    {
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(machine.Read(address + 4, 4));
        byte[] table = machine.Read(address, (int)length);
        Assert.Equal(0, AcpiTableBuilder.Sum(table));
        int size = Encoding.ASCII.GetString(table, 0, 4) == "XSDT" ? 8 : 4;
        Assert.Equal(0, (table.Length - 36) % size);
        return Enumerable.Range(0, (table.Length - 36) / size)
            .Select(i => size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(36 + i * 8)) : BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(36 + i * 4)))
            .ToArray();
    }
}
