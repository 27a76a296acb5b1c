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

    // The boot module, the boot archive (newc cpio): PVH's first module (QEMU's -initrd) or, on
    // UEFI, the ESP file \EFI\redoubt\boot.cpio. 0/0 when none.
    public ulong ModuleBase { get; set; }

    public ulong ModuleLength { get; set; }

    public BootModuleSource ModuleSource { get; set; }

    // UEFI: why the ESP file was not read (None when it was, or is absent), with the failing
    // call's EFI status and the file's size when known. KernelMain logs it (BootModuleLog).
    public EspReadStep EspFailedStep { get; set; }

    public ulong EspStatus { get; set; }

    public ulong EspFileSize { get; set; }

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
