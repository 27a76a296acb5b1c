using System.Runtime.CompilerServices;

namespace Redoubt.Guests.Hardware;

// Every general register, indexed by GeneralRegister: the block Boot/instructions.asm loads
// before VMMCALL and stores after it.
[InlineArray(Count)]
internal struct GeneralRegisters
{
    public const int Count = 16;

    private ulong _rax;
}
