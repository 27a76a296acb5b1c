using System.Runtime;
using System.Runtime.CompilerServices;

namespace Redoubt.Guests.Hardware;

// Ring 3 (Boot/user.asm): a user GDT and TSS, the identity map made user-accessible, then
// VMMCALL at CPL 3. Does not return: the exception report or the user code's Done ends the
// program.
internal static class UserMode
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtGuestUserHypercall")]
    public static extern void Hypercall(ulong number);
}
