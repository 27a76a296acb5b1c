using System.Text;

namespace Redoubt.Dom0.Control;

// Whether this CPU runs under Redoubt, from CPUID, before any VMMCALL: outside a hypervisor
// VMMCALL raises #UD (SIGILL), and under another hypervisor it means something else.
// - CPUID leaf 1, ECX bit 31: a hypervisor is present (bare metal reads 0). Leaves
//   4000_0000h and up are defined only then.
// - CPUID leaf 4000_0000h: EAX = the highest hypervisor leaf (at least 4000_0000h), EBX, ECX,
//   EDX = the signature, 12 ASCII bytes: "RedoubtHV" and three NULs for Redoubt
//   (src/Redoubt.Kernel/Virtualization/CpuidPolicy.cs; KVM says "KVMKVMKVM\0\0\0").
public static class HypervisorSignature
{
    public const uint FeatureLeaf = 1, HypervisorLeaf = 0x4000_0000;
    public const uint HypervisorPresentBit = 1u << 31;

    // "Redo", "ubtH", "V\0\0\0" as little-endian words.
    public const uint RedoubtEbx = 0x6F64_6552, RedoubtEcx = 0x4874_6275, RedoubtEdx = 0x0000_0056;

    public static bool IsRedoubt(CpuidRegisters featureLeaf, CpuidRegisters hypervisorLeaf) =>
        WhyNotRedoubt(featureLeaf, hypervisorLeaf) is null;

    // Null under Redoubt; otherwise what the CPU says instead, for the error message.
    public static string? WhyNotRedoubt(CpuidRegisters featureLeaf, CpuidRegisters hypervisorLeaf)
    {
        if ((featureLeaf.Ecx & HypervisorPresentBit) == 0)
            return "no hypervisor: CPUID leaf 1 ECX bit 31 is clear";
        bool signature = hypervisorLeaf.Ebx == RedoubtEbx && hypervisorLeaf.Ecx == RedoubtEcx && hypervisorLeaf.Edx == RedoubtEdx;
        if (!signature)
            return $"the hypervisor's signature is \"{Text(hypervisorLeaf)}\", not \"RedoubtHV\"";
        if (hypervisorLeaf.Eax < HypervisorLeaf)
            return $"CPUID leaf 0x40000000 names Redoubt but reports the highest leaf 0x{hypervisorLeaf.Eax:X}";
        return null;
    }

    // The 12 signature bytes as text: printable ASCII as is, NUL bytes at the end dropped,
    // anything else as \xNN.
    public static string Text(CpuidRegisters hypervisorLeaf)
    {
        uint[] words = [hypervisorLeaf.Ebx, hypervisorLeaf.Ecx, hypervisorLeaf.Edx];
        var bytes = new byte[12];
        for (int i = 0; i < 12; i++)
            bytes[i] = (byte)(words[i / 4] >> (8 * (i % 4)));
        int length = 12;
        while (length > 0 && bytes[length - 1] == 0)
            length--;
        var text = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            byte b = bytes[i];
            if (b >= 0x20 && b < 0x7F && b != (byte)'"' && b != (byte)'\\')
                text.Append((char)b);
            else
                text.Append($"\\x{b:X2}");
        }
        return text.ToString();
    }
}
