namespace Redoubt.Kernel.X64.Svm;

// A vCPU's general registers by number (the ModRM order: RAX, RCX, RDX, RBX, RSP, RBP, RSI,
// RDI, R8-R15): RAX and RSP live in the VMCB, the others in the world-switch state. A write
// of a 32-bit value clears bits 63:32, as a 32-bit register write does in 64-bit mode.
// Safe: v is the vCPU's own VMCB.
internal static unsafe class GuestRegisters
{
    public static ulong Read(SvmVcpu vcpu, byte* v, int register) => register switch
    {
        0 => *(ulong*)(v + Vmcb.Rax),
        1 => vcpu.Switch.Rcx,
        2 => vcpu.Switch.Rdx,
        3 => vcpu.Switch.Rbx,
        4 => *(ulong*)(v + Vmcb.Rsp),
        5 => vcpu.Switch.Rbp,
        6 => vcpu.Switch.Rsi,
        7 => vcpu.Switch.Rdi,
        8 => vcpu.Switch.R8,
        9 => vcpu.Switch.R9,
        10 => vcpu.Switch.R10,
        11 => vcpu.Switch.R11,
        12 => vcpu.Switch.R12,
        13 => vcpu.Switch.R13,
        14 => vcpu.Switch.R14,
        _ => vcpu.Switch.R15,
    };

    // A load of `size` bytes into a register of registerSize bytes, as the CPU writes it: 8 and
    // 4 replace the register (4 clears bits 63:32), 2 and 1 replace only their low bytes, or
    // bits 15:8 for AH, CH, DH and BH (highByte, register 0-3).
    public static void WriteSized(SvmVcpu vcpu, byte* v, int register, ulong value, int registerSize, bool highByte)
    {
        ulong old = Read(vcpu, v, register);
        ulong result = registerSize switch
        {
            8 => value,
            4 => value & 0xFFFF_FFFF,
            2 => (old & ~0xFFFFUL) | (value & 0xFFFF),
            _ => highByte ? (old & ~0xFF00UL) | ((value & 0xFF) << 8) : (old & ~0xFFUL) | (value & 0xFF),
        };
        WriteFull(vcpu, v, register, result);
    }

    public static void Write(SvmVcpu vcpu, byte* v, int register, uint value) => WriteFull(vcpu, v, register, value);

    private static void WriteFull(SvmVcpu vcpu, byte* v, int register, ulong value)
    {
        switch (register)
        {
            case 0: *(ulong*)(v + Vmcb.Rax) = value; break;
            case 1: vcpu.Switch.Rcx = value; break;
            case 2: vcpu.Switch.Rdx = value; break;
            case 3: vcpu.Switch.Rbx = value; break;
            case 4: *(ulong*)(v + Vmcb.Rsp) = value; break;
            case 5: vcpu.Switch.Rbp = value; break;
            case 6: vcpu.Switch.Rsi = value; break;
            case 7: vcpu.Switch.Rdi = value; break;
            case 8: vcpu.Switch.R8 = value; break;
            case 9: vcpu.Switch.R9 = value; break;
            case 10: vcpu.Switch.R10 = value; break;
            case 11: vcpu.Switch.R11 = value; break;
            case 12: vcpu.Switch.R12 = value; break;
            case 13: vcpu.Switch.R13 = value; break;
            case 14: vcpu.Switch.R14 = value; break;
            default: vcpu.Switch.R15 = value; break;
        }
    }
}
