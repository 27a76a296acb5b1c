using System;

namespace Redoubt.Dom0.Native;

// The two instructions C# cannot issue, as System V x86-64 functions of a few bytes each.
// CodePage copies them into an executable page and calls them through function pointers.
// The bytes were assembled with nasm (bits 64) and checked against its listing; the tests run
// both thunks on the host (the hypercall thunk with a NOP in place of VMMCALL).
public static class MachineCode
{
    // void hypercall(ulong block[7]): block = RAX, RDI, RSI, RDX, R10, R8, R9 on the way in
    // (number, arg0..arg5, the order of HypercallRegisters) and RAX, RDI, RSI, RDX on the way
    // out (status, result0..result2). Uses only registers the System V ABI lets a function
    // clobber (RAX, RDI, RSI, RDX, R8-R11); Redoubt preserves every register but the four
    // results, so R11 still holds the block pointer after VMMCALL.
    public static ReadOnlySpan<byte> HypercallPrologue =>
    [
        0x49, 0x89, 0xFB,             // mov r11, rdi         keep the block pointer
        0x49, 0x8B, 0x03,             // mov rax, [r11]       RAX = hypercall number
        0x49, 0x8B, 0x7B, 0x08,       // mov rdi, [r11+8]     RDI = arg0
        0x49, 0x8B, 0x73, 0x10,       // mov rsi, [r11+16]    RSI = arg1
        0x49, 0x8B, 0x53, 0x18,       // mov rdx, [r11+24]    RDX = arg2
        0x4D, 0x8B, 0x53, 0x20,       // mov r10, [r11+32]    R10 = arg3
        0x4D, 0x8B, 0x43, 0x28,       // mov r8,  [r11+40]    R8  = arg4
        0x4D, 0x8B, 0x4B, 0x30,       // mov r9,  [r11+48]    R9  = arg5
    ];

    public static ReadOnlySpan<byte> Vmmcall =>
    [
        0x0F, 0x01, 0xD9,             // vmmcall              exit to Redoubt
    ];

    // Same length as VMMCALL and harmless anywhere: the tests' stand-in, which leaves every
    // register as it is (so status = number, results = arg0..arg2).
    public static ReadOnlySpan<byte> ThreeByteNop =>
    [
        0x0F, 0x1F, 0x00,             // nop dword [rax]
    ];

    public static ReadOnlySpan<byte> HypercallEpilogue =>
    [
        0x49, 0x89, 0x03,             // mov [r11], rax       status
        0x49, 0x89, 0x7B, 0x08,       // mov [r11+8], rdi     result0
        0x49, 0x89, 0x73, 0x10,       // mov [r11+16], rsi    result1
        0x49, 0x89, 0x53, 0x18,       // mov [r11+24], rdx    result2
        0xC3,                         // ret
    ];

    // void cpuid(uint leaf, uint subleaf, uint out[4]): out = EAX, EBX, ECX, EDX. RBX is
    // callee-saved in the System V ABI and CPUID overwrites it: saved and restored. The output
    // pointer moves from RDX (which CPUID overwrites) to R8.
    public static ReadOnlySpan<byte> Cpuid =>
    [
        0x53,                         // push rbx
        0x49, 0x89, 0xD0,             // mov r8, rdx          keep the output pointer
        0x89, 0xF8,                   // mov eax, edi         leaf
        0x89, 0xF1,                   // mov ecx, esi         subleaf
        0x0F, 0xA2,                   // cpuid
        0x41, 0x89, 0x00,             // mov [r8], eax
        0x41, 0x89, 0x58, 0x04,       // mov [r8+4], ebx
        0x41, 0x89, 0x48, 0x08,       // mov [r8+8], ecx
        0x41, 0x89, 0x50, 0x0C,       // mov [r8+12], edx
        0x5B,                         // pop rbx
        0xC3,                         // ret
    ];

    // The hypercall thunk with the given trap instruction (Vmmcall, or ThreeByteNop in tests).
    public static byte[] HypercallThunk(ReadOnlySpan<byte> trap)
    {
        if (trap.Length != Vmmcall.Length)
            throw new ArgumentException("the trap instruction must be 3 bytes, like VMMCALL", nameof(trap));
        return [.. HypercallPrologue, .. trap, .. HypercallEpilogue];
    }
}
