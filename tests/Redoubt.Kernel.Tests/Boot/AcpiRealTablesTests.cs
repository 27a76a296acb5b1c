using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Tests.Abi;
using Xunit;
using static Redoubt.Kernel.Tests.Boot.AcpiCalls;

namespace Redoubt.Kernel.Tests.Boot;

// The tables QEMU 7.2 gave real guests (SeaBIOS and OVMF, Intel and AMD IOMMUs, TPM 2.0 CRB and
// FIFO, TPM 1.2), captured by Acpi/capture.sh at their physical addresses: what Redoubt reads
// when it boots under QEMU. SeaBIOS packs the tables unaligned; neither firmware gives QEMU's
// guests an XSDT, so the XSDT path is only covered by the synthetic tests.
public class AcpiRealTablesTests
{
    private const ulong PtpBase = 0xFED4_0000, PtpLength = 0x5000;
    private const ulong VtdBase = 0xFED9_0000, AmdViBase = 0xFED8_0000;

    // A capture: each record is u64 address, u32 length, then the bytes; the RSDP comes first.
    private static (AcpiTestMachine Machine, ulong Rsdp, Dictionary<string, (ulong Address, uint Length)> Tables) Load(string name)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(RepoRoot.Find(), "tests/Redoubt.Kernel.Tests/Boot/Acpi", name + ".acpi"));
        var machine = new AcpiTestMachine();
        var tables = new Dictionary<string, (ulong, uint)>();
        ulong rsdp = 0;
        for (int at = 0; at < file.Length;)
        {
            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8));
            byte[] bytes = file.AsSpan(at + 12, length).ToArray();
            machine.Add(address, bytes);
            if (at == 0)
                rsdp = address;
            else
                tables.Add(Encoding.ASCII.GetString(bytes, 0, 4), (address, (uint)length));
            at += 12 + length;
        }
        return (machine, rsdp, tables);
    }

    public static IEnumerable<object[]> Captures()
    {
        yield return ["seabios-q35-intel-iommu-tpm-crb", new uint[] { 0, 1 }, new[] { "TPM2", "DMAR" },
            new[] { ("TPM2", PtpBase, PtpLength), ("DMAR", VtdBase, 0x1000UL) }, new[] { "FACP", "APIC", "HPET", "MCFG", "WAET" }];
        yield return ["seabios-q35-amd-iommu-tpm-tis", new uint[] { 0, 1 }, new[] { "TPM2", "IVRS" },
            new[] { ("TPM2", PtpBase, PtpLength), ("IVRS", AmdViBase, 0x8_0000UL) }, new[] { "FACP", "APIC", "HPET", "MCFG", "WAET" }];
        yield return ["ovmf-q35-intel-iommu-tpm-crb", new uint[] { 0, 1 }, new[] { "TPM2", "DMAR" },
            new[] { ("TPM2", PtpBase, PtpLength), ("DMAR", VtdBase, 0x1000UL) }, new[] { "FACP", "APIC", "HPET", "MCFG", "WAET", "BGRT" }];
        yield return ["seabios-q35-tpm12-tis", new uint[] { 0 }, new[] { "TCPA" },
            new[] { ("TCPA", PtpBase, PtpLength) }, new[] { "FACP", "APIC", "HPET", "MCFG", "WAET" }];
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Cpus_hidden_tables_and_windows(string capture, uint[] cpus, string[] hidden, (string, ulong, ulong)[] windows, string[] kept)
    {
        var (machine, rsdp, tables) = Load(capture);

        foreach (var (signature, (address, length)) in tables.Where(t => t.Key != "RSDT"))
        {
            Assert.Equal(AcpiStatus.Success, Find(machine, signature, out ulong found, out uint foundLength, rsdp));
            Assert.Equal((address, length), (found, foundLength));
        }
        Assert.Equal(AcpiStatus.Success, Find(machine, "APIC", out ulong madt, out _, rsdp));
        var (status, apicIds, localApic) = AcpiCalls.Cpus(machine, madt);
        Assert.Equal(AcpiStatus.Success, status);
        Assert.Equal(cpus, apicIds);
        Assert.Equal(0xFEE0_0000UL, localApic);

        AcpiTestMachine original = machine.Clone();
        var result = Hide(machine, rsdp);
        Assert.Equal(AcpiStatus.Success, result.Status);
        Assert.Equal(hidden.Select(s => (s, tables[s].Address, tables[s].Length)), Describe(result.Hidden));
        Assert.Equal(windows, Describe(result.Windows));

        // The RSDT lists the rest in order, every kept table is as it was, the hidden are marked.
        ulong rsdt = BinaryPrimitives.ReadUInt32LittleEndian(machine.Read(rsdp + 16, 4));
        Assert.Equal(kept.Select(s => tables[s].Address), RootEntries(machine, rsdt));
        foreach (string signature in kept)
            Assert.Equal(original.Read(tables[signature].Address, (int)tables[signature].Length), machine.Read(tables[signature].Address, (int)tables[signature].Length));
        foreach (string signature in hidden)
        {
            Assert.Equal("RDBT"u8.ToArray(), machine.Read(tables[signature].Address, 4));
            Assert.Equal(AcpiStatus.NotFound, Find(machine, signature, rsdp));
        }
        Assert.Equal(cpus, AcpiCalls.Cpus(machine, madt).ApicIds);
    }

    // QEMU lists the CPUs that may be hot-plugged as disabled entries: four possible, two present.
    [Fact]
    public void Possible_cpus_that_are_not_present_are_listed_disabled()
    {
        var (machine, _, tables) = Load("seabios-q35-intel-iommu-tpm-crb");
        byte[] madt = machine.Read(tables["APIC"].Address, (int)tables["APIC"].Length);
        var processors = new List<(byte Id, uint Flags)>();
        for (int at = 44; at < madt.Length; at += madt[at + 1])
        {
            if (madt[at] == 0)
                processors.Add((madt[at + 3], BinaryPrimitives.ReadUInt32LittleEndian(madt.AsSpan(at + 4))));
        }
        Assert.Equal(new (byte, uint)[] { (0, 1), (1, 1), (2, 0), (3, 0) }, processors);
    }
}
