using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;

namespace Redoubt.Fuzz;

// The machine an input runs on, chosen by its first byte (0 = TestMachine's default on 32
// frames, with 12 table-pool frames instead of 8 so that two VMs fit). The bits shrink one
// pool each, so that every OutOfResources path is reachable:
//   bits 0-1  table-pool frames 12, 8, 5, 16      bit 4  MaxPagesPerCall 4 instead of all
//   bit 2     3 capability slots instead of 8      bit 5  1 VM instead of 2
//   bit 3     1 vCPU per VM instead of 2           bits 6-7  frames 32, 32 laid out like real
//                                                            RAM (Metal), 48, 1024
// 1024 frames (4 MiB) is the one shape with 512 2 MiB-aligned Dom0 frames, so that a donation
// gets a 2 MiB mapping in the VM's table (split again by a partial reclaim); it is slower (the
// state digest hashes all memory).
public readonly struct MachineShape
{
    public const byte Default = 0;
    public const byte EightTablePoolFrames = 1;
    public const byte FewTablePoolFrames = 2;
    public const byte ManyTablePoolFrames = 3;
    public const byte FewCapabilitySlots = 1 << 2;
    public const byte OneVcpuPerVm = 1 << 3;
    public const byte FewPagesPerCall = 1 << 4;
    public const byte OneVm = 1 << 5;
    public const byte MetalMachine = 1 << 6;
    public const byte LargeMachine = 3 << 6;

    private static readonly ulong[] TablePoolFrames = { 12, 8, 5, 16 };
    private static readonly ulong[] FrameCounts = { 32, 32, 48, 1024 };

    private MachineShape(ulong frames, KernelConfig config, bool metal)
    {
        Frames = frames;
        Config = config;
        Metal = metal;
    }

    public ulong Frames { get; }

    // Laid out like real RAM (MetalFrameLayout): Dom0 owns page 0, and holes the kernel's own map
    // leaves out throw when the core touches them.
    public bool Metal { get; }

    public KernelConfig Config { get; }

    // First frame Dom0 owns (and maps 1:1) after boot.
    public ulong FirstDom0Frame => Metal ? 0 : Config.HypervisorFrames + Config.TablePoolFrames;

    public static MachineShape Decode(byte shape)
    {
        ulong frames = FrameCounts[shape >> 6];
        KernelConfig config = TestMachine.DefaultConfig(frames);
        config.TablePoolFrames = TablePoolFrames[shape & 3];
        if ((shape & FewCapabilitySlots) != 0)
            config.CapabilitySlots = 3;
        if ((shape & OneVcpuPerVm) != 0)
            config.MaxVcpusPerVm = 1;
        if ((shape & FewPagesPerCall) != 0)
            config.MaxPagesPerCall = 4;
        if ((shape & OneVm) != 0)
            config.MaxVms = 1;
        return new MachineShape(frames, config, shape >> 6 == 1);
    }
}
