using System;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Redoubt.Kernel.Diagnostics;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Hypercalls;

// The portable half of VcpuRun that the SVM backend builds on: its checks, the exit message
// written into the caller's buffer, the caller's answer read back, and stopped VMs.
public class VcpuRunTests
{
    private const ushort Dom0 = KernelCore<ArrayPhysicalMemory>.Dom0;
    private const ulong Buffer = 0x30000;

    private static (KernelCore<ArrayPhysicalMemory> Core, ulong Vm, ulong Vcpu) FinalizedVm()
    {
        var core = TestMachine.Create(64);
        ulong vm = core.Call(Dom0, Hypercall.VmCreate).Result0;
        ulong vcpu = core.Call(Dom0, Hypercall.VcpuCreate, vm).Result0;
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.VmFinalize, vm).Status);
        return (core, vm, vcpu);
    }

    [Fact]
    public void ValidateRun_names_the_vcpu_of_a_finalized_vm()
    {
        var (core, _, vcpu) = FinalizedVm();
        Assert.Equal(HypercallStatus.Success, core.ValidateRun(Dom0, vcpu, Buffer, ExitMessage.Size, out int index));
        Assert.Equal(core.Dom0Capabilities.Get(vcpu).ObjectIndex, index);
        Assert.Equal(HypercallStatus.InvalidBuffer, core.ValidateRun(Dom0, vcpu, Buffer, ExitMessage.Size - 1, out index));
        Assert.Equal(-1, index);
    }

    [Fact]
    public void A_stopped_vm_never_runs_again_but_can_be_destroyed()
    {
        var (core, vm, vcpu) = FinalizedVm();
        ushort domain = (ushort)(core.Dom0Capabilities.Get(vm).ObjectIndex + 1);
        core.StopVm(domain);
        Assert.Equal(HypercallStatus.InvalidState, core.ValidateRun(Dom0, vcpu, Buffer, ExitMessage.Size, out _));
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.VmReport, vm, Buffer, CvmReport.Size).Status);
        Assert.Equal(HypercallStatus.Success, core.Call(Dom0, Hypercall.VmDestroy, vm).Status);
        Assert.Empty(InvariantChecker.Check(core));
        // The pool slot's next VM starts fresh.
        ulong next = core.Call(Dom0, Hypercall.VmCreate).Result0;
        ulong nextVcpu = core.Call(Dom0, Hypercall.VcpuCreate, next).Result0;
        core.Call(Dom0, Hypercall.VmFinalize, next);
        Assert.Equal(HypercallStatus.Success, core.ValidateRun(Dom0, nextVcpu, Buffer, ExitMessage.Size, out _));
    }

    [Fact]
    public void The_exit_message_lands_in_the_callers_buffer_and_its_answer_is_read_back()
    {
        var (core, _, vcpu) = FinalizedVm();
        Assert.Equal(HypercallStatus.Success, core.ValidateRun(Dom0, vcpu, Buffer, ExitMessage.Size, out _));
        var message = new ExitMessage { Reason = ExitReason.PortIo, Qualification = 0x10, AccessSize = 1, Data = 0xAB, Rip = 0x1234 };
        core.DeliverExit(Dom0, Buffer, message);
        ExitMessage written = MemoryMarshal.Read<ExitMessage>(core.Machine.Physical.Frame(Buffer / 4096));
        Assert.Equal(message, written);
        MemoryMarshal.Write(core.Machine.Physical.Frame(Buffer / 4096).Slice(40), 0x5566UL);
        Assert.Equal(0x5566UL, core.ReadExitData(Dom0, Buffer));
    }

    [Theory]
    [InlineData(7UL, 7UL, true)]
    [InlineData(3UL, 7UL, true)]
    [InlineData(1UL, 7UL, true)]
    [InlineData(0UL, 7UL, false)]     // x87 must stay on
    [InlineData(5UL, 7UL, false)]     // AVX without SSE
    [InlineData(0xFUL, 7UL, false)]   // a component the host does not switch
    [InlineData(7UL, 3UL, false)]
    public void Xcr0_writes_follow_the_host_and_the_architecture(ulong value, ulong host, bool valid) =>
        Assert.Equal(valid, XcrPolicy.IsValidXcr0(value, host));

    [Theory]
    [InlineData("20000", true, 20000UL)]
    [InlineData("0", true, 0UL)]
    [InlineData("", false, 0UL)]
    [InlineData("12a", false, 0UL)]
    [InlineData("-1", false, 0UL)]
    [InlineData("99999999999999999999", false, 0UL)]
    public void Decimal_arguments_parse_exactly(string text, bool ok, ulong expected)
    {
        Assert.Equal(ok, NumberFormat.TryParseDecimal(System.Text.Encoding.ASCII.GetBytes(text), out ulong value));
        if (ok)
            Assert.Equal(expected, value);
    }
}
