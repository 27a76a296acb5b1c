using Redoubt.Abi;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.X64.Svm;

// The hardware side of one vCPU pool entry: its VMCB, XSAVE area and the registers the world
// switch keeps, plus an exit the caller has yet to complete. Initialized again whenever the
// pool entry holds a new vCPU (another generation).
internal sealed class SvmVcpu
{
    public SvmVcpu(ulong vmcb, ulong xsaveArea, CpuidTable cpuid)
    {
        Vmcb = vmcb;
        XsaveArea = xsaveArea;
        Cpuid = cpuid;
    }

    // The guest's CPUID values, filtered once from this CPU's when SVM started.
    public CpuidTable Cpuid { get; }

    public ulong Vmcb { get; }

    public ulong XsaveArea { get; }

    public SvmWorldSwitch Switch;

    // The port-I/O message being handled, written in place on the exit path.
    public ExitMessage Message;

    public NestedTranslationCache Translations { get; } = new NestedTranslationCache();

    // Guest code bytes that cross a page boundary, gathered for the instruction decoder.
    public byte[] CodeScratch { get; } = new byte[InstructionLength.MaxLength];

    // The generation of the vCPU this entry was last set up for; Launched false until then.
    public uint Generation { get; set; }

    public bool Launched { get; set; }

    // An IN the caller answers in the next VcpuRun: its size in bytes, 0 when none.
    public uint PendingReadSize { get; set; }

    // The TLB flush count of the kernel core when this vCPU last ran.
    public ulong FlushesSeen { get; set; }

    // Zeroes the VMCB, the XSAVE area, the registers and the last message: the vCPU is gone.
    // Safe: both frames are this entry's own, mapped writable by the kernel.
    public unsafe void Scrub()
    {
        new System.Span<byte>((void*)Vmcb, 4096).Clear();
        new System.Span<byte>((void*)XsaveArea, 4096).Clear();
        Switch = default;
        Message = default;
        PendingReadSize = 0;
        Launched = false;
    }

    // Exits taken, handled in the kernel or not: for the accounting of tests and benchmarks.
    public ulong Exits { get; set; }
}
