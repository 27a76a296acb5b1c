using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Guests.Hardware;

// VMMCALL with every general register under the caller's control (Boot/instructions.asm):
// registers but RSP come from `before`, whose RSP slot receives the stack pointer the call is
// made with; `after` receives all sixteen as VMMCALL left them. The ABI's convention is in
// Redoubt.Abi's Hypercall.
internal static unsafe class HypercallGate
{
    // Safe: both pointers are the caller's own GeneralRegisters (16 qwords each), which the
    // routine reads and writes in full and nothing beyond.
    public static void Call(ref GeneralRegisters before, ref GeneralRegisters after)
    {
        fixed (GeneralRegisters* input = &before)
        fixed (GeneralRegisters* output = &after)
            Hypercall(input, output);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestHypercall")]
    private static extern void Hypercall(GeneralRegisters* before, GeneralRegisters* after);
}
