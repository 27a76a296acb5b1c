using System;
using Redoubt.Kernel.Virtualization;
using Xunit;

namespace Redoubt.Kernel.Tests.Virtualization;

public class StringMoveInstructionTests
{
    [Theory]
    [InlineData(new byte[] { 0xA4 }, true, 1)]                      // movsb
    [InlineData(new byte[] { 0xF3, 0x48, 0xA5, 0x89 }, true, 3)]    // rep movsq (Linux's copy_user_generic_string)
    [InlineData(new byte[] { 0xF3, 0xA4, 0x31 }, true, 2)]          // rep movsb (ERMS copies)
    [InlineData(new byte[] { 0x66, 0xA5 }, false, 2)]               // movsw in 32-bit code
    [InlineData(new byte[] { 0x3E, 0x67, 0xF3, 0xA5 }, false, 4)]   // segment and address-size prefixes
    public void Movs_forms_have_their_length(byte[] code, bool longMode, int length) =>
        Assert.Equal(length, StringMoveInstruction.Length(code, longMode));

    [Theory]
    [InlineData(new byte[] { 0xF0, 0xA5 }, true)]                   // LOCK: #UD on the CPU
    [InlineData(new byte[] { 0x48, 0xF3, 0xA5 }, true)]             // REX not right before the opcode
    [InlineData(new byte[] { 0x48, 0xA5 }, false)]                  // 48 is DEC EAX outside 64-bit mode
    [InlineData(new byte[] { 0x8B, 0x03 }, true)]                   // a MOV: not this decoder's
    [InlineData(new byte[] { 0xF3, 0x48 }, true)]                   // truncated
    [InlineData(new byte[] { }, true)]
    public void Everything_else_is_refused(byte[] code, bool longMode) =>
        Assert.Equal(0, StringMoveInstruction.Length(code, longMode));

    [Fact]
    public void Fifteen_prefixed_bytes_are_the_most()
    {
        byte[] code = new byte[16];
        Array.Fill(code, (byte)0x66);
        code[14] = 0xA5;
        Assert.Equal(15, StringMoveInstruction.Length(code, longMode: true));
        code[14] = 0x66;
        code[15] = 0xA5;
        Assert.Equal(0, StringMoveInstruction.Length(code, longMode: true));
    }
}
