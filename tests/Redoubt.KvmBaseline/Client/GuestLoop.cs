using System;
using System.Collections.Generic;

namespace Redoubt.KvmBaseline;

/// <summary>Who handles the exit a guest loop causes.</summary>
internal enum ExitHandler
{
    /// <summary>No exit at all: the pure loop, whose cost is the overhead to subtract.</summary>
    None,

    /// <summary>KVM handles it in the kernel and re-enters the guest without returning to user space.</summary>
    Kernel,

    /// <summary>KVM_RUN returns to this client, which resumes the vCPU at once.</summary>
    User,
}

/// <summary>
/// One benchmark guest: a hand-assembled 16-bit real-mode loop at guest-physical 0x1000 that
/// repeats one exiting instruction ESI times, then writes to the done port.
/// <code>
/// top: 66 31 C0     xor eax, eax      ; leaf 0 for CPUID, hypercall 0 for VMMCALL
///      ..           the exiting instruction (none for the pure loop)
///      66 4E        dec esi
///      75 rel8      jnz top
///      E6 11        out 0x11, al      ; done: always an exit to user space
///      F4           hlt
///      EB FE        jmp $
/// </code>
/// </summary>
internal sealed class GuestLoop
{
    public const ulong CodeAddress = 0x1000;
    public const ushort LoopPort = 0x10;
    public const ushort DonePort = 0x11;

    /// <summary>KVM's answer to an unknown hypercall: -KVM_ENOSYS (1000), truncated to 32 bits outside long mode.</summary>
    public const ulong KvmEnosys32 = 0xFFFF_FC18;

    public string Kind { get; }

    public ExitHandler Handler { get; }

    /// <summary>True when the loop must run in a VM with KVM's in-kernel irqchip.</summary>
    public bool NeedsIrqchip { get; }

    public string Instruction { get; }

    public byte[] Code { get; }

    /// <summary>
    /// Guest-physical address of the done OUT: where RIP stands when the client sees that exit
    /// (KVM moves RIP past an OUT handled in user space only on the next KVM_RUN).
    /// </summary>
    public ulong EndRip { get; }

    private GuestLoop(string kind, ExitHandler handler, bool needsIrqchip, string instruction, byte[] exitingInstruction)
    {
        Kind = kind;
        Handler = handler;
        NeedsIrqchip = needsIrqchip;
        Instruction = instruction;

        var code = new List<byte> { 0x66, 0x31, 0xC0 };
        code.AddRange(exitingInstruction);
        code.Add(0x66);
        code.Add(0x4E);
        int rel = -(code.Count + 2);
        code.Add(0x75);
        code.Add(unchecked((byte)(sbyte)rel));
        EndRip = CodeAddress + (ulong)code.Count;
        code.Add(0xE6);
        code.Add((byte)DonePort);
        code.Add(0xF4);
        code.Add(0xEB);
        code.Add(0xFE);
        Code = code.ToArray();
    }

    /// <summary>Every loop, in the order they are run.</summary>
    public static IReadOnlyList<GuestLoop> All { get; } = new[]
    {
        // (c) the floor without any exit: the loop's own cost, to subtract.
        new GuestLoop("loop", ExitHandler.None, false, "none", Array.Empty<byte>()),

        // (a) port I/O handled in user space: KVM_EXIT_IO, the client resumes at once. This is
        // also the null exit to user space: the cheapest exit that reaches the VMM (for IOIO,
        // SVM's EXITINFO2 gives the next RIP, so KVM need not decode the instruction).
        new GuestLoop("pio", ExitHandler.User, false, "out 0x10, al", new byte[] { 0xE6, (byte)LoopPort }),

        // (b) CPUID, which KVM answers in the kernel from the vCPU's CPUID table.
        new GuestLoop("cpuid", ExitHandler.Kernel, false, "cpuid (leaf 0)", new byte[] { 0x0F, 0xA2 }),

        // Another exit to user space: HLT without an in-kernel irqchip is KVM_EXIT_HLT. Without
        // NRIP save (QEMU lacks it) KVM has to decode HLT to skip it.
        new GuestLoop("hlt", ExitHandler.User, false, "hlt", new byte[] { 0xF4 }),

        // An in-kernel null hypercall: VMMCALL with an unknown number returns -KVM_ENOSYS.
        new GuestLoop("vmmcall", ExitHandler.Kernel, false, "vmmcall (nr 0)", new byte[] { 0x0F, 0x01, 0xD9 }),

        // The in-kernel null exit: IN from the in-kernel PIC's mask register. IOIO needs no
        // instruction decode, and the device read is trivial: the cheapest exit KVM handles.
        new GuestLoop("pio_kernel", ExitHandler.Kernel, true, "in al, 0x21 (in-kernel PIC)", new byte[] { 0xE4, 0x21 }),
    };
}
