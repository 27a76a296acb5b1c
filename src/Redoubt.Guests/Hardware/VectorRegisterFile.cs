using System.Runtime.CompilerServices;

namespace Redoubt.Guests.Hardware;

// The sixteen vector registers, four qwords (one YMM) each: register r's lane q is element
// r * LanesPerRegister + q. Without AVX only lanes 0 and 1 (the XMM part) are used.
[InlineArray(Registers * LanesPerRegister)]
internal struct VectorRegisterFile
{
    public const int Registers = 16;
    public const int LanesPerRegister = 4;

    private ulong _first;
}
