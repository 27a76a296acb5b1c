using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Redoubt.Scenarios.Harness;

/// <summary>Boots a Redoubt image in QEMU, waits for it to report through isa-debug-exit, and
/// returns what happened. QEMU never outlives a run: it is killed (with its process tree) on
/// timeout and on any exception, and a coreutils `timeout` guard ends it even if the test host
/// itself is killed. At most two QEMUs run at a time (the machines have two cores).</summary>
public sealed class QemuRunner(string elfImage, string efiImage)
{
    /// <summary>Multiplies every run's time limit: REDOUBT_TIMEOUT_SCALE=2 on a slow machine.</summary>
    public static readonly double TimeoutScale =
        double.TryParse(Environment.GetEnvironmentVariable("REDOUBT_TIMEOUT_SCALE"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 ? s : 1.0;

    /// <summary>A PVH boot reaches the kernel in well under a second; 30 s leaves room for slow TCG.</summary>
    public static readonly TimeSpan PvhTimeout = TimeSpan.FromSeconds(30 * TimeoutScale);

    /// <summary>OVMF alone takes 3-5 s under TCG, much more on a loaded CI machine.</summary>
    public static readonly TimeSpan UefiTimeout = TimeSpan.FromSeconds(90 * TimeoutScale);

    private static readonly SemaphoreSlim Slots = new(Math.Clamp(Environment.ProcessorCount, 1, 2));

    /// <summary>How many QEMU CPUs may run at once (one host thread each).</summary>
    public static int SlotCount => Math.Clamp(Environment.ProcessorCount, 1, 2);

    /// <summary>Takes <paramref name="count"/> of the run slots (a QEMU with n CPUs takes n, at
    /// most all of them); release each with <see cref="ReleaseSlot"/>. Slots are taken one at a
    /// time under a gate, so two multi-CPU runs never hold half each.</summary>
    public static async Task AcquireSlotsAsync(int count)
    {
        await Gate.WaitAsync();
        try
        {
            for (int i = 0; i < Math.Min(count, SlotCount); i++)
                await Slots.WaitAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    public static void ReleaseSlots(int count) => Slots.Release(Math.Min(count, SlotCount));

    private static readonly SemaphoreSlim Gate = new(1);

    /// <summary>The ESP path of the boot archive the UEFI image reads, relative to the ESP.</summary>
    public static readonly string EspArchivePath = Path.Combine("EFI", "redoubt", "boot.cpio");

    /// <summary>Boots the image for <paramref name="path"/> with a kernel command line; a UEFI
    /// boot finds its boot archive where <paramref name="archive"/> says.</summary>
    public Task<QemuResult> BootAsync(BootPath path, string cmdline, UefiArchive archive = UefiArchive.Esp)
    {
        string label = $"{BootPathNames.Of(path)}, command line \"{cmdline}\""
            + (path == BootPath.Uefi && archive == UefiArchive.FirmwareConfig ? ", guest archive in fw_cfg only" : "");
        return path switch
        {
            BootPath.Pvh => RunAsync(label, _ => QemuCommandLine.Pvh(elfImage, GuestArchive, cmdline), PvhTimeout),
            BootPath.Uefi => RunAsync(label, dir => PrepareUefi(dir, cmdline, archive), UefiTimeout),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
        };
    }

    /// <summary>The boot archive a UEFI boot finds on the ESP: artifacts/image/dom0.cpio once
    /// it is built, else guests.cpio (what ./redoubt run --uefi puts there too).</summary>
    public static string EspArchiveSource(string imageDir)
    {
        string dom0 = Path.Combine(imageDir, "dom0.cpio");
        return File.Exists(dom0) ? dom0 : Path.Combine(imageDir, "guests.cpio");
    }

    /// <summary>Runs QEMU on the standard machine plus <paramref name="bootOptions"/>, which may
    /// put files into the run's private temp directory.</summary>
    public static async Task<QemuResult> RunAsync(string label, Func<TempDirectory, IEnumerable<string>> bootOptions, TimeSpan timeout)
    {
        RequireFile(QemuCommandLine.Qemu, FindOnPath(QemuCommandLine.Qemu));
        await Slots.WaitAsync();
        try
        {
            using var dir = new TempDirectory("redoubt-qemu-");
            string consoleLog = dir.File("console.log");
            ProcessStartInfo start = StartInfo(dir, consoleLog, bootOptions(dir), timeout);

            var clock = Stopwatch.StartNew();
            using Process process = ProcessReaper.Start(start);
            int pid = process.Id;
            bool timedOut = false;
            Task<string> stdout = Task.FromResult("");
            Task<string> stderr = Task.FromResult("");
            try
            {
                process.StandardInput.Close();
                stdout = process.StandardOutput.ReadToEndAsync();
                stderr = process.StandardError.ReadToEndAsync();
                using var deadline = new CancellationTokenSource(timeout);
                try
                {
                    await process.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    timedOut = true;
                }
            }
            finally
            {
                // Runs on timeout, on an exception, and after a normal exit (then a no-op).
                ProcessReaper.Kill(process);
                process.WaitForExit(TimeSpan.FromSeconds(10));
                ProcessReaper.Forget(process);
            }
            clock.Stop();

            int exitCode = timedOut ? QemuExitCodes.Timeout : process.ExitCode;
            string console = File.Exists(consoleLog) ? await File.ReadAllTextAsync(consoleLog) : "";
            string qemuOutput = (await stdout) + (await stderr);
            if (timedOut)
                qemuOutput += $"(the harness stopped QEMU after {timeout.TotalSeconds:0} s)";
            return new QemuResult(label, QemuExitCodes.Classify(exitCode, timedOut), exitCode, console, qemuOutput, clock.Elapsed, pid, dir.Path);
        }
        finally
        {
            Slots.Release();
        }
    }

    private static ProcessStartInfo StartInfo(TempDirectory dir, string consoleLog, IEnumerable<string> bootOptions, TimeSpan timeout)
    {
        ProcessStartInfo start = GuardedQemu(dir, timeout);
        foreach (string arg in QemuCommandLine.Machine(consoleLog))
            start.ArgumentList.Add(arg);
        foreach (string arg in bootOptions)
            start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>QEMU under coreutils' timeout, its stdio redirected, run in the run's directory;
    /// the caller adds QEMU's options. The guard fires after the harness's own deadline; it only
    /// matters if the test host is killed without a chance to clean up. --foreground keeps QEMU
    /// in the test host's process group, so Ctrl-C on the test run reaches it too.</summary>
    public static ProcessStartInfo GuardedQemu(TempDirectory dir, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("timeout")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir.Path,
        };
        int guardSeconds = (int)Math.Ceiling(timeout.TotalSeconds) + 5;
        start.ArgumentList.Add("--foreground");
        start.ArgumentList.Add("--kill-after=5");
        start.ArgumentList.Add(guardSeconds.ToString(CultureInfo.InvariantCulture) + "s");
        start.ArgumentList.Add(QemuCommandLine.Qemu);
        return start;
    }

    private IEnumerable<string> PrepareUefi(TempDirectory dir, string cmdline, UefiArchive archive)
    {
        RequireFile("OVMF firmware", QemuCommandLine.OvmfCode);
        RequireFile("OVMF variable store", QemuCommandLine.OvmfVars);
        string vars = dir.File("OVMF_VARS_4M.fd");
        File.Copy(QemuCommandLine.OvmfVars, vars);
        string esp = dir.File("esp");
        string bootDir = Path.Combine(esp, "EFI", "BOOT");
        Directory.CreateDirectory(bootDir);
        File.Copy(efiImage, Path.Combine(bootDir, "BOOTX64.EFI"));
        if (archive == UefiArchive.FirmwareConfig)
            return QemuCommandLine.Uefi(vars, esp, cmdline, fwCfgArchive: GuestArchive);
        string espArchive = Path.Combine(esp, EspArchivePath);
        Directory.CreateDirectory(Path.GetDirectoryName(espArchive)!);
        File.Copy(EspArchiveSource(Path.GetDirectoryName(elfImage)!), espArchive);
        return QemuCommandLine.Uefi(vars, esp, cmdline);
    }

    /// <summary>artifacts/image/guests.cpio, built with the images: every boot gets it.</summary>
    private string GuestArchive => Path.Combine(Path.GetDirectoryName(elfImage)!, "guests.cpio");

    private static void RequireFile(string what, string? path)
    {
        if (path is null || !File.Exists(path))
            throw new InvalidOperationException($"{what} not found{(path is null ? "" : " at " + path)}: run ./redoubt setup.");
    }

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
