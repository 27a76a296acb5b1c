using System;

namespace Redoubt.Guests.Hardware;

internal static class GeneralRegisterNames
{
    public static ReadOnlySpan<byte> Of(GeneralRegister register) => register switch
    {
        GeneralRegister.Rax => "rax"u8,
        GeneralRegister.Rcx => "rcx"u8,
        GeneralRegister.Rdx => "rdx"u8,
        GeneralRegister.Rbx => "rbx"u8,
        GeneralRegister.Rsp => "rsp"u8,
        GeneralRegister.Rbp => "rbp"u8,
        GeneralRegister.Rsi => "rsi"u8,
        GeneralRegister.Rdi => "rdi"u8,
        GeneralRegister.R8 => "r8"u8,
        GeneralRegister.R9 => "r9"u8,
        GeneralRegister.R10 => "r10"u8,
        GeneralRegister.R11 => "r11"u8,
        GeneralRegister.R12 => "r12"u8,
        GeneralRegister.R13 => "r13"u8,
        GeneralRegister.R14 => "r14"u8,
        _ => "r15"u8,
    };
}
