using System;
using Redoubt.Kernel.Boot;

namespace Redoubt.Kernel.X64.Boot;

// What the boot path handed over, copied into kernel memory before the kernel's own page
// tables replace the boot mapping.
internal sealed class BootInfo
{
    public const int CommandLineCapacity = 512;

    private readonly byte[] _commandLine = new byte[CommandLineCapacity];
    private int _commandLineLength;

    public BootInfo(BootPath path) { Path = path; }

    public BootPath Path { get; }

    public MemoryMap Memory { get; } = new MemoryMap();

    public ulong RsdpAddress { get; set; }

    // The first boot module (PVH: QEMU's -initrd): the guest-image archive. 0/0 when none.
    public ulong ModuleBase { get; set; }

    public ulong ModuleLength { get; set; }

    // Boot-protocol problems worth a warning (e.g. a truncated command line).
    public bool CommandLineTruncated { get; private set; }

    public ReadOnlySpan<byte> CommandLine => new ReadOnlySpan<byte>(_commandLine, 0, _commandLineLength);

    public void AppendCommandLine(byte value)
    {
        if (_commandLineLength == CommandLineCapacity)
        {
            CommandLineTruncated = true;
            return;
        }
        _commandLine[_commandLineLength++] = value;
    }
}
