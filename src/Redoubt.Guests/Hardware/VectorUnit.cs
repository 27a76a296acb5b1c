using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Guests.Hardware;

// One round of the Vector program in a single routine (Boot/instructions.asm), so that compiled
// code never runs between loading the registers and storing them: load all sixteen
// XMM/YMM registers from `expected`, exit twice (OUT to Echo, CPUID), spin, store them to
// `observed`.
internal static unsafe class VectorUnit
{
    // Safe: both pointers are the caller's own VectorRegisterFile (64 qwords each), which the
    // routine reads and writes within 32 bytes per register.
    public static void Round(ref VectorRegisterFile expected, ref VectorRegisterFile observed, bool avx, uint spins)
    {
        fixed (VectorRegisterFile* input = &expected)
        fixed (VectorRegisterFile* output = &observed)
            VectorRound(input, output, avx ? 1u : 0u, spins);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestVectorRound")]
    private static extern void VectorRound(VectorRegisterFile* expected, VectorRegisterFile* observed, uint avx, uint spins);
}
