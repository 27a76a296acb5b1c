using System.Collections.Generic;

namespace Redoubt.Scenarios.Harness;

/// <summary>The QEMU options every run uses and the ones each boot path adds.</summary>
public static class QemuCommandLine
{
    public const string Qemu = "qemu-system-x86_64";
    public const string OvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    public const string OvmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";

    /// <summary>The machine: q35 with an AMD EPYC CPU that has SVM and nested paging (what the
    /// hypervisor runs guests with), 256 MiB, one CPU, no network, no display, console to a file,
    /// and the exit device the kernel reports through.</summary>
    public static IEnumerable<string> Machine(string consoleLog) =>
    [
        "-accel", "tcg",
        "-machine", "q35",
        "-cpu", "EPYC,+svm,+npt",
        "-m", "256M",
        "-smp", "1",
        "-nographic",
        "-no-reboot",
        "-display", "none",
        "-monitor", "none",
        "-nic", "none",
        "-serial", "file:" + consoleLog,
        "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    ];

    /// <summary>A Dom0 machine: the same q35 and CPU model with <paramref name="cpus"/> CPUs;
    /// COM1, Dom0's console, on QEMU's stdio (no signals: Ctrl-C is typed into Dom0); COM2,
    /// Redoubt's log once Dom0 runs, to a file.</summary>
    public static IEnumerable<string> Dom0Machine(int cpus, string redoubtLog) =>
    [
        "-accel", "tcg",
        "-machine", "q35",
        "-cpu", "EPYC,+svm,+npt",
        "-m", "256M",
        "-smp", cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "-no-reboot",
        "-display", "none",
        "-monitor", "none",
        "-nic", "none",
        "-chardev", "stdio,id=dom0console,signal=off",
        "-serial", "chardev:dom0console",
        "-serial", "file:" + redoubtLog,
        "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    ];

    /// <summary>PVH: QEMU loads the ELF itself and passes the command line in start_info and
    /// the guest archive as the first boot module.</summary>
    public static IEnumerable<string> Pvh(string elf, string guests, string cmdline) =>
    [
        "-kernel", elf,
        "-initrd", guests,
        "-append", cmdline,
    ];

    /// <summary>UEFI: OVMF (read-only code, a writable copy of the variable store) boots
    /// EFI/BOOT/BOOTX64.EFI from a FAT view of <paramref name="espDir"/>, where the kernel also
    /// finds its boot archive (EFI/redoubt/boot.cpio); the command line travels in the fw_cfg
    /// file opt/org.redoubt/cmdline. <paramref name="fwCfgArchive"/>, when given, is passed as
    /// the fw_cfg file opt/org.redoubt/guests, which the kernel reads only when the ESP has no
    /// archive.</summary>
    public static IEnumerable<string> Uefi(string vars, string espDir, string cmdline, string? fwCfgArchive = null)
    {
        List<string> options =
        [
            "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + Escape(OvmfCode),
            "-drive", "if=pflash,format=raw,unit=1,file=" + Escape(vars),
            "-drive", "format=raw,file=fat:rw:" + Escape(espDir),
            "-fw_cfg", "name=opt/org.redoubt/cmdline,string=" + cmdline,
        ];
        if (fwCfgArchive is not null)
            options.AddRange(["-fw_cfg", "name=opt/org.redoubt/guests,file=" + Escape(fwCfgArchive)]);
        return options;
    }

    /// <summary>QEMU option values are comma-separated: a literal comma is written twice.</summary>
    private static string Escape(string value) => value.Replace(",", ",,", System.StringComparison.Ordinal);
}
