namespace Redoubt.Kernel.X64.Svm;

// Detects and enables AMD SVM with nested paging (APM vol. 2 15.4): CPUID 8000_0001h ECX[2],
// CPUID 8000_000Ah EDX[0] (NP), VM_CR.SVMDIS clear; then EFER.SVME and the host save area.
internal static unsafe class SvmSupport
{
    private const uint VmCrMsr = 0xC0010114, HostSaveMsr = 0xC0010117;
    private const ulong VmCrSvmDisable = 1UL << 4, EferSvmEnable = 1UL << 12;

    public struct Features
    {
        public bool Svm;
        public bool NestedPaging;
        public uint Revision;
        public uint AsidCount;
        public uint FeatureBits;
    }

    // Safe: Cpuid writes four words into the stack buffer it is given.
    public static Features Detect()
    {
        uint* registers = stackalloc uint[4];
        Features features = default;
        Cpu.Cpu.Cpuid(0x80000000, 0, registers);
        if (registers[0] < 0x8000000A)
            return features;
        Cpu.Cpu.Cpuid(0x80000001, 0, registers);
        features.Svm = (registers[2] & (1u << 2)) != 0;
        if (!features.Svm)
            return features;
        Cpu.Cpu.Cpuid(0x8000000A, 0, registers);
        features.Revision = registers[0] & 0xFF;
        features.AsidCount = registers[1];
        features.FeatureBits = registers[3];
        features.NestedPaging = (registers[3] & 1) != 0;
        return features;
    }

    // The extended state Redoubt switches between guests: x87, SSE and AVX (XCR0 bits 0-2),
    // whatever of those the CPU has. The world switch's host area is sized for these.
    private const ulong SwitchedXcr0 = 0x7;

    // XCR0 while the kernel runs; 0 until Enable.
    public static ulong HostXcr0 { get; private set; }

    // The components Dom0's world switch saves and loads: all but x87, which stays in the
    // registers while Redoubt runs (Redoubt has no x87 code, and Dom0 is the only domain on its
    // CPUs). Under QEMU's TCG every x87 load (XRSTOR, FXRSTOR, FRSTOR, FLDENV) on any CPU rewrites
    // the boot CPU's internal flags without a lock (its IGNNE# emulation), which loses the boot
    // CPU's own concurrent update of them: two x87 loads per exit on the other CPUs made the boot
    // CPU take a #VMEXIT in Redoubt's context (docs/CAVEATS.md).
    public static ulong Dom0Components => HostXcr0 & ~X87Component;

    private const ulong X87Component = 1;

    // Enables SVM and XSAVE on the calling CPU, with its own host save area. False when firmware
    // disabled SVM (VM_CR.SVMDIS) or the CPU lacks XSAVE (every CPU with SVM and nested paging
    // has it; the world switch relies on it).
    public static bool Enable(ulong hostSaveArea)
    {
        if ((Cpu.Cpu.ReadMsr(VmCrMsr) & VmCrSvmDisable) != 0 || !EnableXsave())
            return false;
        Cpu.Cpu.WriteMsr(Cpu.Cpu.EferMsr, Cpu.Cpu.ReadMsr(Cpu.Cpu.EferMsr) | EferSvmEnable);
        Cpu.Cpu.WriteMsr(HostSaveMsr, hostSaveArea);
        return true;
    }

    // Safe: Cpuid writes four words into the stack buffer it is given.
    private static bool EnableXsave()
    {
        // A secondary CPU takes the boot CPU's choice: every CPU runs with the same XCR0.
        if (HostXcr0 != 0)
        {
            Cpu.Cpu.WriteCr4(Cpu.Cpu.ReadCr4() | Cpu.Cpu.Cr4OsXsave);
            Cpu.Cpu.WriteXcr0(HostXcr0);
            return true;
        }
        uint* registers = stackalloc uint[4];
        Cpu.Cpu.Cpuid(1, 0, registers);
        if ((registers[2] & (1u << 26)) == 0)
            return false;
        Cpu.Cpu.Cpuid(0xD, 0, registers);
        ulong xcr0 = registers[0] & SwitchedXcr0;
        Cpu.Cpu.WriteCr4(Cpu.Cpu.ReadCr4() | Cpu.Cpu.Cr4OsXsave);
        Cpu.Cpu.WriteXcr0(xcr0);
        HostXcr0 = xcr0;
        return true;
    }
}
