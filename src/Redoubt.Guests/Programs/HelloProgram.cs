using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.Hello: a greeting, then what CPUID shows the VM. Passes when SVM is hidden
// (CPUID 8000_0001h ECX[2] = 0) and a hypervisor is announced (CPUID 1 ECX[31] = 1).
// Reports five values: CPUID 1 ECX, 8000_0001h ECX, then 4000_0000h EBX, ECX, EDX.
internal static class HelloProgram
{
    private const uint SvmVisible = 1, NoHypervisorBit = 2;    // failure bits

    public static uint Run()
    {
        GuestConsole.WriteLine("hello from a C# guest"u8);
        CpuidResult features = Processor.Cpuid(1);
        CpuidResult extended = Processor.Cpuid(0x8000_0001);
        CpuidResult hypervisor = Processor.Cpuid(0x4000_0000);
        uint svm = (extended.Ecx >> 2) & 1;
        uint present = features.Ecx >> 31;

        ConsoleLine line = GuestConsole.Line("cpuid: svm="u8).Decimal(svm).Text(" hypervisor="u8).Decimal(present).Text(" signature="u8);
        PrintSignatureBytes(line, hypervisor.Ebx);
        PrintSignatureBytes(line, hypervisor.Ecx);
        PrintSignatureBytes(line, hypervisor.Edx);
        line.End();

        TestReport.Value(features.Ecx);
        TestReport.Value(extended.Ecx);
        TestReport.Value(hypervisor.Ebx);
        TestReport.Value(hypervisor.Ecx);
        TestReport.Value(hypervisor.Edx);
        return (svm != 0 ? SvmVisible : 0) | (present == 0 ? NoHypervisorBit : 0);
    }

    // The signature is 12 characters, little-endian in EBX, ECX, EDX; NUL padding is skipped.
    private static void PrintSignatureBytes(ConsoleLine line, uint register)
    {
        for (int shift = 0; shift < 32; shift += 8)
        {
            byte character = (byte)(register >> shift);
            if (character != 0)
                line.Char(character);
        }
    }
}
