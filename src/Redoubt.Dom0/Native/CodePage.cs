using System;
using Redoubt.Abi;
using Redoubt.Dom0.Control;

namespace Redoubt.Dom0.Native;

// One page of machine code (MachineCode's thunks) and the calls into it. The page is written
// while it is read-write and then made read+execute (never both writable and executable).
// This file and PhysicalPage.cs hold redoubtctl's only unsafe code.
internal sealed class CodePage
{
    private const int PageSize = 4096;
    private const int CpuidOffset = 0, HypercallOffset = 64;

    private readonly nint _page;

    private CodePage(nint page) { _page = page; }

    // The page with the CPUID thunk and the hypercall thunk around `trap` (MachineCode.Vmmcall;
    // the tests pass MachineCode.ThreeByteNop). Throws when Linux refuses the page.
    public static CodePage Create(ReadOnlySpan<byte> trap)
    {
        byte[] hypercall = MachineCode.HypercallThunk(trap);
        nint page = Libc.Mmap(0, PageSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (page == Libc.MapFailed)
            throw new InvalidOperationException($"mmap of a code page failed: {Libc.LastError()}");
        unsafe
        {
            // Safe: page is a fresh private read-write mapping of PageSize bytes, and both
            // thunks fit (CpuidOffset + 27 <= HypercallOffset, HypercallOffset + 49 <= PageSize;
            // Span bounds-checks the copies anyway).
            var bytes = new Span<byte>((void*)page, PageSize);
            bytes.Fill(0xCC); // int3 everywhere else
            MachineCode.Cpuid.CopyTo(bytes.Slice(CpuidOffset, HypercallOffset - CpuidOffset));
            hypercall.CopyTo(bytes.Slice(HypercallOffset));
        }
        if (Libc.Mprotect(page, PageSize, Libc.PROT_READ | Libc.PROT_EXEC) != 0)
            throw new InvalidOperationException($"mprotect of the code page to read+execute failed: {Libc.LastError()}");
        return new CodePage(page);
    }

    public CpuidRegisters Cpuid(uint leaf, uint subleaf)
    {
        unsafe
        {
            // Safe: the thunk at CpuidOffset is MachineCode.Cpuid, a System V function taking
            // (uint, uint, uint*) that writes exactly four uints through the pointer, here a
            // four-element stack array; the page stays mapped for the process's lifetime.
            uint* registers = stackalloc uint[4];
            var cpuid = (delegate* unmanaged<uint, uint, uint*, void>)(_page + CpuidOffset);
            cpuid(leaf, subleaf, registers);
            return new CpuidRegisters(registers[0], registers[1], registers[2], registers[3]);
        }
    }

    // The hypercall thunk with the ABI's register convention. With VMMCALL in it, call it only
    // under Redoubt (HypervisorSignature): elsewhere VMMCALL raises SIGILL.
    public HypercallResult Call(in HypercallRegisters registers)
    {
        unsafe
        {
            // Safe: the thunk at HypercallOffset reads seven ulongs and writes the first four of
            // the block it is given, here a seven-element stack array; it clobbers only
            // caller-saved registers (MachineCode), and Redoubt preserves all but the results.
            ulong* block = stackalloc ulong[7];
            block[0] = registers.Number;
            block[1] = registers.Arg0;
            block[2] = registers.Arg1;
            block[3] = registers.Arg2;
            block[4] = registers.Arg3;
            block[5] = registers.Arg4;
            block[6] = registers.Arg5;
            var hypercall = (delegate* unmanaged<ulong*, void>)(_page + HypercallOffset);
            hypercall(block);
            return new HypercallResult { Status = (HypercallStatus)block[0], Result0 = block[1], Result1 = block[2], Result2 = block[3] };
        }
    }
}
