using System;
using System.IO;
using System.Linq;
using Redoubt.Abi;
using Redoubt.Dom0.Control;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Dom0.Tests;

// redoubtctl against the real kernel core on the host: its CPUID answers are the kernel's
// CpuidPolicy, its hypercalls go to KernelCore.Dispatch as Dom0, its buffer is a Dom0 page of
// the array-backed machine. What the kernel writes is what redoubtctl prints.
public class KernelCoreInfoTests
{
    private const ushort Dom0 = 0;
    private const ulong BufferAddress = 0x30000; // a Dom0 page of the default 64-frame machine

    private sealed class KernelPlatform(KernelCore<ArrayPhysicalMemory> core, byte[] memory, ulong buffer) : IDom0Platform, IRedoubtDevice
    {
        public CpuidRegisters Cpuid(uint leaf, uint subleaf)
        {
            // A host CPU without a hypervisor bit, seen through the kernel's filter.
            CpuidResult host = leaf == 1 ? new CpuidResult(0x00A00F11, 0x00000800, 0x7ED8320B, 0x178BFBFF) : default;
            CpuidResult seen = CpuidPolicy.Filter(leaf, host);
            return new CpuidRegisters(seen.Eax, seen.Ebx, seen.Ecx, seen.Edx);
        }

        public bool TryOpenDevice(out IRedoubtDevice? device, out string? error)
        {
            device = this;
            error = null;
            return true;
        }

        // What redoubt.c does for Info: the caller's bytes copied into a Dom0 page the driver
        // owns, its address and length in arg0 and arg1, the page copied back.
        public bool TryCallWithBuffer(in HypercallRegisters registers, Span<byte> bytes, out HypercallResult result, out string? error)
        {
            Span<byte> page = memory.AsSpan((int)buffer, 4096);
            page.Clear();
            bytes.CopyTo(page);
            HypercallRegisters call = registers;
            call.Arg0 = buffer;
            call.Arg1 = (ulong)bytes.Length;
            result = core.Dispatch(Dom0, call);
            page[..bytes.Length].CopyTo(bytes);
            error = null;
            return true;
        }

        public void Dispose() { }
    }

    [Fact]
    public void InfoPrintsWhatTheKernelCounts()
    {
        var memory = new ArrayPhysicalMemory(64);
        KernelCore<ArrayPhysicalMemory> core = KernelCore<ArrayPhysicalMemory>.Create(memory, TestMachine.DefaultConfig(64))!;
        ulong vm = core.Call(Dom0, Hypercall.VmCreate).Result0;
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.MemDonate, vm, 0x20000, 3, 0x100000).Status);
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.VcpuCreate, vm).Status);

        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int status = Redoubtctl.Run(["info"], new KernelPlatform(core, memory.Bytes, BufferAddress), stdout, stderr);

        Assert.Equal("", stderr.ToString());
        Assert.Equal(ExitCode.Success, status);
        var values = stdout.ToString().TrimEnd('\n').Split('\n').Skip(1)
            .Select(l => l.Split(": ")).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("64", values["frames.total"]);
        Assert.Equal(core.Machine.Frames.Count(FrameState.Free).ToString(), values["frames.free"]);
        Assert.Equal("2", values["frames.hypervisor"]);
        Assert.Equal("43", values["frames.dom0"]); // 46 at boot, 3 donated
        Assert.Equal("3", values["frames.guest_private"]);
        Assert.Equal("0", values["frames.other"]);
        Assert.Equal((64 - 43).ToString(), values["frames.kept"]);
        Assert.Equal("1", values["vms"]);
        Assert.Equal("1", values["vcpus"]);
        Assert.Equal("1", values["cpus"]);
    }
}
