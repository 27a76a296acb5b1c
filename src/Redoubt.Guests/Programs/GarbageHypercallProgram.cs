using System;
using Redoubt.Abi;
using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.GarbageHypercall: VMMCALL with RAX = 0xDEADBEEF_DEADBEEF (no such hypercall) and
// garbage in every other register but RSP. Passes when the status is an error and every
// register the ABI preserves (all but RAX, RDI, RSI, RDX: Redoubt.Abi's Hypercall) came back
// unchanged, RSP included. Then, for information, an Info hypercall and its results.
internal static class GarbageHypercallProgram
{
    private const uint StatusWasSuccess = 1, RegistersChanged = 2;
    private const ulong GarbageNumber = 0xDEAD_BEEF_DEAD_BEEF;

    public static uint Run()
    {
        GeneralRegisters before = default, after = default;
        Span<ulong> input = before, output = after;
        for (int i = 0; i < GeneralRegisters.Count; i++)
            input[i] = Garbage(i);
        input[(int)GeneralRegister.Rax] = GarbageNumber;
        GuestConsole.Line("garbage hypercall: vmmcall with rax="u8).Hex(GarbageNumber).Text(" and garbage in every register"u8).End();
        HypercallGate.Call(ref before, ref after);

        ulong status = output[(int)GeneralRegister.Rax];
        int changed = 0;
        for (int i = 0; i < GeneralRegisters.Count; i++)
        {
            if (!IsPreserved((GeneralRegister)i) || output[i] == input[i])
                continue;
            changed++;
            GuestConsole.Line("garbage hypercall: "u8).Text(GeneralRegisterNames.Of((GeneralRegister)i)).Text(" changed from "u8)
                .Hex(input[i]).Text(" to "u8).Hex(output[i]).End();
        }
        uint result = 0;
        ConsoleLine line = GuestConsole.Line("garbage hypercall: status "u8).Hex(status);
        if (status == (ulong)HypercallStatus.Success)
        {
            line.Text(" (success for no hypercall)"u8);
            result |= StatusWasSuccess;
        }
        if (changed == 0)
        {
            line.Text(", registers preserved"u8).End();
        }
        else
        {
            line.Text(", "u8).Decimal((ulong)changed).Text(" registers changed"u8).End();
            result |= RegistersChanged;
        }

        ReportInfo();
        return result;
    }

    private static void ReportInfo()
    {
        GeneralRegisters before = default, after = default;
        Span<ulong> input = before, output = after;
        input[(int)GeneralRegister.Rax] = (ulong)Hypercall.Info;   // RDI = RSI = 0: no InfoRecord buffer
        HypercallGate.Call(ref before, ref after);
        GuestConsole.Line("info hypercall: status "u8).Hex(output[(int)GeneralRegister.Rax])
            .Text(", abi version "u8).Hex(output[(int)GeneralRegister.Rdi])
            .Text(", frames total "u8).Decimal(output[(int)GeneralRegister.Rsi])
            .Text(", frames free "u8).Decimal(output[(int)GeneralRegister.Rdx]).End();
    }

    private static bool IsPreserved(GeneralRegister register) =>
        register is not (GeneralRegister.Rax or GeneralRegister.Rdi or GeneralRegister.Rsi or GeneralRegister.Rdx);

    // A different recognisable value per register: 0xBAD0_rrrr_rrrr_rr0r-like, never 0.
    private static ulong Garbage(int register) =>
        0xBAD0_0000_0000_0000UL | ((ulong)(register + 1) * 0x0000_1111_1111_1111UL);
}
