using System;
using System.Runtime.Intrinsics.X86;
using Redoubt.Abi;
using Redoubt.Dom0.Control;
using Redoubt.Dom0.Native;
using Xunit;

namespace Redoubt.Dom0.Tests;

// The native glue, run for real on the host (x86-64 Linux).
public class NativeTests
{
    private static readonly HypercallRegisters Sample =
        HypercallRegisters.Of((Hypercall)0x1111_0000_0000_0001, 0x2222_0000_0000_0002, 0x3333_0000_0000_0003,
            0x4444_0000_0000_0004, 0x5555_0000_0000_0005, 0x6666_0000_0000_0006, 0x7777_0000_0000_0007);

    [Fact]
    public void TheHypercallThunkIsTheRegisterConventionAroundVmmcall()
    {
        byte[] thunk = MachineCode.HypercallThunk(MachineCode.Vmmcall);
        Assert.Equal(49, thunk.Length);
        Assert.Equal(new byte[] { 0x0F, 0x01, 0xD9 }, thunk[30..33]);
        Assert.Equal(0xC3, thunk[^1]);
        Assert.Throws<ArgumentException>(() => MachineCode.HypercallThunk([0x90]));
    }

    [Fact]
    public void WithANopTheHypercallThunkReturnsRaxRdiRsiRdx()
    {
        // Nothing changes the registers: status = number (RAX), results = arg0..arg2.
        HypercallResult result = CodePage.Create(MachineCode.ThreeByteNop).Call(Sample);
        Assert.Equal((HypercallStatus)0x1111_0000_0000_0001, result.Status);
        Assert.Equal(0x2222_0000_0000_0002UL, result.Result0);
        Assert.Equal(0x3333_0000_0000_0003UL, result.Result1);
        Assert.Equal(0x4444_0000_0000_0004UL, result.Result2);
    }

    [Theory]
    [InlineData(new byte[] { 0x4C, 0x89, 0xD2 }, 2, 0x5555_0000_0000_0005UL)] // mov rdx, r10: arg3 is in R10
    [InlineData(new byte[] { 0x4C, 0x89, 0xC6 }, 1, 0x6666_0000_0000_0006UL)] // mov rsi, r8:  arg4 is in R8
    [InlineData(new byte[] { 0x4C, 0x89, 0xCF }, 0, 0x7777_0000_0000_0007UL)] // mov rdi, r9:  arg5 is in R9
    public void TheLastThreeArgumentsAreInR10R8R9(byte[] trap, int result, ulong expected)
    {
        HypercallResult r = CodePage.Create(trap).Call(Sample);
        Assert.Equal(expected, result switch { 0 => r.Result0, 1 => r.Result1, _ => r.Result2 });
    }

    [Fact]
    public void TheCpuidThunkAgreesWithDotnetsCpuid()
    {
        Assert.True(X86Base.IsSupported);
        CodePage code = CodePage.Create(MachineCode.ThreeByteNop);
        foreach ((uint leaf, uint subleaf) in new[] { (0u, 0u), (7u, 0u), (0x8000_0000u, 0u), (0x8000_0002u, 0u) })
        {
            (int eax, int ebx, int ecx, int edx) = X86Base.CpuId((int)leaf, (int)subleaf);
            Assert.Equal(new CpuidRegisters((uint)eax, (uint)ebx, (uint)ecx, (uint)edx), code.Cpuid(leaf, subleaf));
        }
        // Leaf 1 EBX bits 31-24 are the APIC ID of whichever CPU ran it: compare the rest.
        (int a1, int b1, int c1, int d1) = X86Base.CpuId(1, 0);
        CpuidRegisters mine = code.Cpuid(1, 0);
        Assert.Equal(((uint)a1, (uint)b1 & 0xFFFFFF, (uint)c1, (uint)d1), (mine.Eax, mine.Ebx & 0xFFFFFF, mine.Ecx, mine.Edx));
    }

    [Fact]
    public void ThePhysicalPageNeedsRootAndIsAPageFrame()
    {
        bool ok = PhysicalPage.TryAllocate(out PhysicalPage? page, out string? error);
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.False(ok);
            Assert.Contains("root", error);
            return;
        }
        Assert.True(ok, error);
        using (page)
        {
            Assert.NotEqual(0UL, page!.PhysicalAddress);
            Assert.Equal(0UL, page.PhysicalAddress % 4096);
            Assert.Equal(4096, page.Bytes.Length);
            page.Bytes.Fill(0x5A);
        }
        Assert.Throws<ObjectDisposedException>(() => page.Bytes.Length);
    }
}
