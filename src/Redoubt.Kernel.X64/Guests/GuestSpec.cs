using Redoubt.Abi;

namespace Redoubt.Kernel.X64.Guests;

// One test VM to launch: an image from the guest archive, the program and argument the kit's
// image takes at entry, and the VM's RAM. A flat binary (not ELF) runs in real mode at 0x1000
// with ESI = Argument (the benchmark loops' iteration count).
internal struct GuestSpec
{
    public const ulong DefaultRam = 4 * 1024 * 1024;

    public TestProgram Program;
    public uint Argument;
    public ulong RamBytes;
    public bool FlatBinary;
    public GuestImageName Image;

    public static GuestSpec Kit(TestProgram program, uint argument) =>
        new GuestSpec { Program = program, Argument = argument, RamBytes = DefaultRam, Image = GuestImageName.TestKit };

    public static GuestSpec Loop(GuestImageName image, uint iterations) =>
        new GuestSpec { Argument = iterations, RamBytes = 1024 * 1024, FlatBinary = true, Image = image };
}
