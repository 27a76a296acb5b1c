using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Xunit;

namespace Redoubt.Kernel.Tests.Abi;

// docs/spec/measurement.md is the launch measurement: VMs are built through hypercalls, and the
// digest in their CvmReport must equal the one recomputed from the document alone, with .NET's
// SHA-384 and the VcpuState serialised field by field (not through the kernel's structures).
public sealed class MeasurementSpecTests
{
    private const ulong Page = 4096;
    private const ushort Dom0 = KernelCore<ArrayPhysicalMemory>.Dom0;
    private const ulong Frames = 256;
    private const ulong FirstDom0Frame = 2 + 64;
    // Dom0 memory the tests use: donated frames, load sources, state and report buffers.
    private const ulong DonatedHost = (FirstDom0Frame + 16) * Page;
    private const ulong SourceArea = (FirstDom0Frame + 64) * Page;
    private const ulong StateBuffer = (FirstDom0Frame + 128) * Page;
    private const ulong ReportBuffer = (FirstDom0Frame + 129) * Page;

    private static readonly string[] s_stateFields =
    [
        "Rax", "Rbx", "Rcx", "Rdx", "Rsi", "Rdi", "Rbp", "Rsp", "R8", "R9", "R10", "R11",
        "R12", "R13", "R14", "R15", "Rip", "Rflags", "Cr0", "Cr3", "Cr4", "Efer",
    ];

    [Fact]
    public void Kernel_digest_equals_the_document_recomputed_with_SHA384()
    {
        var core = NewMachine(maxVms: 2, vcpusPerVm: 4);
        var spec = new SpecMeasurement();
        ulong vm = Ok(core.Call(Dom0, Hypercall.VmCreate)).Result0;
        Ok(core.Call(Dom0, Hypercall.MemDonate, vm, DonatedHost, 16, 0));

        // Two pages from an unaligned source, executable; one plain page; a failing load (unknown
        // flag) that must add nothing; one page executable and read-only; page 0 loaded again.
        Load(core, spec, vm, 0x3000, SourceArea + 0x10, Pattern(2, seed: 1), PageMeasureFlags.Executable);
        Load(core, spec, vm, 0x0000, SourceArea + 3 * Page, Pattern(1, seed: 2), PageMeasureFlags.None);
        Assert.Equal(HypercallStatus.InvalidArgument, core.Call(Dom0, Hypercall.VmLoad, vm, 0x5000, SourceArea, Page, 4).Status);
        Assert.Equal(HypercallStatus.NotMapped, core.Call(Dom0, Hypercall.VmLoad, vm, 0x20000, SourceArea, Page, 0).Status);
        Load(core, spec, vm, 0x8000, SourceArea + 4 * Page, Pattern(1, seed: 3), PageMeasureFlags.Executable | PageMeasureFlags.ReadOnly);
        Load(core, spec, vm, 0x0000, SourceArea + 5 * Page, Pattern(1, seed: 4), PageMeasureFlags.ReadOnly);

        ulong[] vcpus = Enumerable.Range(0, 3).Select(_ => Ok(core.Call(Dom0, Hypercall.VcpuCreate, vm)).Result0).ToArray();
        var states = new ulong[3][];
        states[0] = State(rip: 0x3000, rsp: 0x9000, rflags: 0x2, seed: 10);
        SetState(core, vcpus[0], State(rip: 0x1234, rsp: 0x8000, rflags: 0x202, seed: 99)); // replaced below: the last one counts
        SetState(core, vcpus[0], states[0]);
        states[1] = new ulong[22];                                                           // never set: zeros
        states[2] = State(rip: 0xFFFF_8000_0000_1000, rsp: 0x7000, rflags: 0x46, seed: 20);
        SetState(core, vcpus[2], states[2]);
        Assert.Equal(HypercallStatus.InvalidArgument, core.Call(Dom0, Hypercall.VcpuSetState, vcpus[1], WriteState(core, State(0x1000, 0x1000, 0x0, 1)), 176).Status);

        Ok(core.Call(Dom0, Hypercall.VmFinalize, vm));
        byte[] nonce = RandomNumberGenerator.GetBytes(64);
        Report report = GetReport(core, vm, nonce);

        Assert.Equal(Convert.ToHexString(spec.Finish(states)), Convert.ToHexString(report.LaunchMeasurement));
        Assert.Equal(1U, report.Version);
        Assert.Equal((uint)ReportPolicy.Finalized, report.Policy);
        Assert.Equal(3UL, report.VcpuCount);
        Assert.Equal(new byte[48], report.VmmMeasurement);
        Assert.Equal(nonce, report.ReportData);
    }

    [Fact]
    public void Report_before_finalize_carries_no_measurement()
    {
        var core = NewMachine(maxVms: 1, vcpusPerVm: 1);
        ulong vm = Ok(core.Call(Dom0, Hypercall.VmCreate)).Result0;
        Ok(core.Call(Dom0, Hypercall.MemDonate, vm, DonatedHost, 1, 0));
        Load(core, new SpecMeasurement(), vm, 0, SourceArea, Pattern(1, seed: 5), PageMeasureFlags.None);
        Report report = GetReport(core, vm, new byte[64]);
        Assert.Equal(0U, report.Policy);
        Assert.Equal(new byte[48], report.LaunchMeasurement);
    }

    [Fact]
    public void Worked_example_of_the_document_is_what_the_kernel_measures()
    {
        var core = NewMachine(maxVms: 1, vcpusPerVm: 2);
        var spec = new SpecMeasurement();
        ulong vm = Ok(core.Call(Dom0, Hypercall.VmCreate)).Result0;
        Ok(core.Call(Dom0, Hypercall.MemDonate, vm, DonatedHost, 4, 0));
        byte[] halt = new byte[Page];
        Array.Fill(halt, (byte)0xF4);
        byte[] counting = Enumerable.Range(0, (int)Page).Select(i => (byte)i).ToArray();
        Load(core, spec, vm, 0x1000, SourceArea, halt, PageMeasureFlags.Executable);
        Load(core, spec, vm, 0x2000, SourceArea + Page, counting, PageMeasureFlags.ReadOnly);
        ulong vcpu0 = Ok(core.Call(Dom0, Hypercall.VcpuCreate, vm)).Result0;
        Ok(core.Call(Dom0, Hypercall.VcpuCreate, vm));
        ulong[] state0 = new ulong[22];
        state0[Array.IndexOf(s_stateFields, "Rip")] = 0x1000;
        state0[Array.IndexOf(s_stateFields, "Rsp")] = 0x3000;
        state0[Array.IndexOf(s_stateFields, "Rflags")] = 0x2;
        SetState(core, vcpu0, state0);
        Ok(core.Call(Dom0, Hypercall.VmFinalize, vm));

        string kernel = Convert.ToHexString(GetReport(core, vm, new byte[64]).LaunchMeasurement).ToLowerInvariant();
        Assert.Equal(560, spec.Length + 2 * 192 + 16);
        Assert.Equal(kernel, Convert.ToHexString(spec.Finish([state0, new ulong[22]])).ToLowerInvariant());
        string document = File.ReadAllText(Path.Combine(RepoRoot.Find(), "docs", "spec", "measurement.md"));
        Match documented = Regex.Match(document, @"^LaunchMeasurement = ([0-9a-f]+)\s*$", RegexOptions.Multiline);
        Assert.True(documented.Success, "measurement.md has no 'LaunchMeasurement = <hex>' line");
        Assert.Equal(kernel, documented.Groups[1].Value);
    }

    // The document measures vCPUs in index (creation) order. A VM whose vCPUs sit in the shared
    // vCPU pool out of that order (a slot freed by another VM's destruction is reused) must be
    // measured the same way.
    [Fact]
    public void Vcpu_records_follow_vcpu_index_order_when_pool_slots_are_reused()
    {
        var core = NewMachine(maxVms: 2, vcpusPerVm: 2);
        ulong other = Ok(core.Call(Dom0, Hypercall.VmCreate)).Result0;
        ulong vm = Ok(core.Call(Dom0, Hypercall.VmCreate)).Result0;
        Ok(core.Call(Dom0, Hypercall.VcpuCreate, other));
        ulong first = Ok(core.Call(Dom0, Hypercall.VcpuCreate, vm)).Result0;
        Ok(core.Call(Dom0, Hypercall.VmDestroy, other));
        ulong second = Ok(core.Call(Dom0, Hypercall.VcpuCreate, vm)).Result0;
        ulong[] state0 = State(rip: 0x1000, rsp: 0x2000, rflags: 0x2, seed: 1);
        ulong[] state1 = State(rip: 0x5000, rsp: 0x6000, rflags: 0x2, seed: 2);
        SetState(core, first, state0);
        SetState(core, second, state1);
        Ok(core.Call(Dom0, Hypercall.VmFinalize, vm));

        byte[] expected = new SpecMeasurement().Finish([state0, state1]);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(GetReport(core, vm, new byte[64]).LaunchMeasurement));
    }

    // ---- The document's definition, written out independently of the kernel ------------------

    private sealed class SpecMeasurement
    {
        private readonly MemoryStream _stream = new();

        public SpecMeasurement() { _stream.Write("RDBT-LAUNCH-V1\0\0"u8); }

        public long Length => _stream.Length;

        public void AddLoad(ulong guestAddress, ReadOnlySpan<byte> data, PageMeasureFlags flags)
        {
            for (int i = 0; i < data.Length / (int)Page; i++)
            {
                _stream.Write("RDBTPAGE"u8);
                WriteU64(guestAddress + (ulong)i * Page);
                WriteU64((ulong)flags);
                _stream.Write(SHA384.HashData(data.Slice(i * (int)Page, (int)Page)));
            }
        }

        public byte[] Finish(ulong[][] vcpuStates)
        {
            for (int index = 0; index < vcpuStates.Length; index++)
            {
                _stream.Write("RDBTVCPU"u8);
                WriteU64((ulong)index);
                foreach (ulong register in vcpuStates[index])
                    WriteU64(register);
            }
            _stream.Write("RDBTFINL"u8);
            WriteU64((ulong)vcpuStates.Length);
            return SHA384.HashData(_stream.ToArray());
        }

        private void WriteU64(ulong value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            _stream.Write(bytes);
        }
    }

    // ---- Driving the kernel as Dom0 would ------------------------------------------------------

    private readonly record struct Report(uint Version, uint Policy, ulong KernelVersion, ulong VcpuCount,
        byte[] LaunchMeasurement, byte[] VmmMeasurement, byte[] ReportData);

    private static KernelCore<ArrayPhysicalMemory> NewMachine(int maxVms, int vcpusPerVm) =>
        TestMachine.Create(Frames, TestMachine.DefaultConfig(Frames) with
        {
            HypervisorFrames = 2,
            TablePoolFrames = 64,
            MaxVms = maxVms,
            MaxVcpusPerVm = vcpusPerVm,
            CapabilitySlots = 16,
            MaxPagesPerCall = 64,
        });

    private static HypercallResult Ok(HypercallResult result)
    {
        Assert.Equal(HypercallStatus.Success, result.Status);
        return result;
    }

    // Dom0 memory is mapped 1:1, so Dom0 writes its own buffers at their physical addresses.
    private static Span<byte> Dom0Memory(KernelCore<ArrayPhysicalMemory> core, ulong address, int length) =>
        core.Machine.Physical.Bytes.AsSpan(checked((int)address), length);

    private static void Load(KernelCore<ArrayPhysicalMemory> core, SpecMeasurement spec, ulong vm, ulong guestAddress,
        ulong source, byte[] data, PageMeasureFlags flags)
    {
        data.CopyTo(Dom0Memory(core, source, data.Length));
        Ok(core.Call(Dom0, Hypercall.VmLoad, vm, guestAddress, source, (ulong)data.Length, (ulong)flags));
        spec.AddLoad(guestAddress, data, flags);
    }

    private static ulong WriteState(KernelCore<ArrayPhysicalMemory> core, ulong[] registers)
    {
        Span<byte> buffer = Dom0Memory(core, StateBuffer, 176);
        for (int i = 0; i < registers.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.Slice(8 * i), registers[i]);
        return StateBuffer;
    }

    private static void SetState(KernelCore<ArrayPhysicalMemory> core, ulong vcpu, ulong[] registers) =>
        Ok(core.Call(Dom0, Hypercall.VcpuSetState, vcpu, WriteState(core, registers), 176));

    // Reads the report at the offsets abi.md gives, not through the CvmReport structure.
    private static Report GetReport(KernelCore<ArrayPhysicalMemory> core, ulong vm, byte[] reportData)
    {
        Dom0Memory(core, ReportBuffer, (int)Page).Clear();
        reportData.CopyTo(Dom0Memory(core, ReportBuffer + 128, 64));
        Ok(core.Call(Dom0, Hypercall.VmReport, vm, ReportBuffer, Page));
        byte[] r = Dom0Memory(core, ReportBuffer, 192).ToArray();
        return new Report(BinaryPrimitives.ReadUInt32LittleEndian(r), BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(4)),
            BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(8)), BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(24)),
            r[32..80], r[80..128], r[128..192]);
    }

    private static byte[] Pattern(int pages, int seed)
    {
        var bytes = new byte[pages * (int)Page];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static ulong[] State(ulong rip, ulong rsp, ulong rflags, int seed)
    {
        var random = new Random(seed);
        ulong[] registers = Enumerable.Range(0, 22).Select(_ => (ulong)random.NextInt64()).ToArray();
        registers[Array.IndexOf(s_stateFields, "Rip")] = rip;
        registers[Array.IndexOf(s_stateFields, "Rsp")] = rsp;
        registers[Array.IndexOf(s_stateFields, "Rflags")] = rflags;
        return registers;
    }
}
