using System;
using Redoubt.Abi;
using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.UserHypercall: the same Info hypercall from ring 0, where it must work (the
// control: the probe reaches the hypervisor), then from ring 3, where the hypervisor must refuse
// it with #UD (Done E0000006h from the kit's exception report). A status from ring 3 ends the
// program with Done C0000000h | status instead (Boot/user.asm).
internal static class UserHypercallProgram
{
    private const uint KernelModeCallFailed = 1;

    public static uint Run()
    {
        GeneralRegisters before = default, after = default;
        Span<ulong> input = before, output = after;
        input[(int)GeneralRegister.Rax] = (ulong)Hypercall.Info;
        HypercallGate.Call(ref before, ref after);
        ulong status = output[(int)GeneralRegister.Rax];
        GuestConsole.Line("user hypercall: info from ring 0: status "u8).Hex(status).Text(", abi version "u8)
            .Hex(output[(int)GeneralRegister.Rdi]).End();
        if (status != (ulong)HypercallStatus.Success)
            return KernelModeCallFailed;
        GuestConsole.WriteLine("user hypercall: info from ring 3 (expected: #UD)"u8);
        UserMode.Hypercall((ulong)Hypercall.Info);
        return 0;
    }
}
