using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Redoubt.Scenarios.Harness;

/// <summary>Boots Redoubt with Dom0 (artifacts/image/dom0.cpio) in QEMU: Dom0's console (COM1)
/// on QEMU's stdio, where the harness reads it and types into it, and Redoubt's log (COM2) in a
/// file. The run ends when QEMU does (Dom0 powers off, the machine resets under -no-reboot) or
/// at the time limit. QEMU is killed with its process tree whatever happens.</summary>
public static class Dom0Session
{
    /// <summary>Dom0 reaches its shell in about 10 s of PVH under TCG, more with OVMF; a loaded
    /// CI machine needs far more.</summary>
    public static readonly TimeSpan PvhTimeout = TimeSpan.FromSeconds(180 * QemuRunner.TimeoutScale);
    public static readonly TimeSpan UefiTimeout = TimeSpan.FromSeconds(300 * QemuRunner.TimeoutScale);

    public static string Archive => Path.Combine(RedoubtImages.ImageDirectory, "dom0.cpio");

    public static async Task<Dom0Result> RunAsync(ImageBuild build, BootPath path, Dom0Options options)
    {
        if (!options.Bare && !File.Exists(Archive))
            throw new InvalidOperationException($"{Archive} is missing: `./redoubt build` builds Dom0's boot archive (Debian's kernel and an initramfs).");
        TimeSpan timeout = options.Timeout ?? (path == BootPath.Uefi ? UefiTimeout : PvhTimeout);
        string label = options.Bare
            ? $"Dom0's Linux without Redoubt, {options.Cpus} CPUs, command line \"{options.Dom0Args}\""
            : $"dom0 on {BootPathNames.Of(path)}, {options.Cpus} CPUs, command line \"{options.CommandLine}\"";
        int slots = options.Cpus;
        await QemuRunner.AcquireSlotsAsync(slots);
        try
        {
            using var dir = new TempDirectory("redoubt-dom0-");
            string redoubtLog = dir.File("redoubt.log");
            ProcessStartInfo start = QemuRunner.GuardedQemu(dir, timeout);
            foreach (string arg in QemuCommandLine.Dom0Machine(options.Cpus, redoubtLog))
                start.ArgumentList.Add(arg);
            foreach (string arg in options.Bare ? BareOptions(options.Dom0Args) : BootOptions(build, path, dir, options.CommandLine))
                start.ArgumentList.Add(arg);
            foreach (string arg in options.ExtraQemu)
                start.ArgumentList.Add(arg);
            using Process? tpm = options.Tpm ? StartTpm(dir, start) : null;

            var clock = Stopwatch.StartNew();
            using Process process = ProcessReaper.Start(start);
            var console = new StringBuilder();
            bool timedOut = false;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            try
            {
                using var deadline = new CancellationTokenSource(timeout);
                Task reading = ReadConsoleAsync(process, console, options.Responses, deadline.Token);
                try
                {
                    await process.WaitForExitAsync(deadline.Token);
                    await reading.WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (OperationCanceledException)
                {
                    timedOut = true;
                }
                catch (TimeoutException)
                {
                }
            }
            finally
            {
                ProcessReaper.Kill(process);
                process.WaitForExit(TimeSpan.FromSeconds(10));
                ProcessReaper.Forget(process);
                if (tpm is not null)
                {
                    ProcessReaper.Kill(tpm);
                    ProcessReaper.Forget(tpm);
                }
            }
            clock.Stop();
            int exitCode = timedOut ? QemuExitCodes.Timeout : process.ExitCode;
            string log = File.Exists(redoubtLog) ? await File.ReadAllTextAsync(redoubtLog) : "";
            string qemuOutput = await stderr + (timedOut ? $"(the harness stopped QEMU after {timeout.TotalSeconds:0} s)" : "");
            string text;
            lock (console)
                text = console.ToString();
            return new Dom0Result(label, QemuExitCodes.Classify(exitCode, timedOut), exitCode, text, log, qemuOutput, clock.Elapsed);
        }
        finally
        {
            QemuRunner.ReleaseSlots(slots);
        }
    }

    /// <summary>The same kernel, initramfs and command line Redoubt boots as Dom0, given to QEMU.</summary>
    private static IEnumerable<string> BareOptions(string dom0Args)
    {
        string dom0 = Path.Combine(RedoubtImages.ImageDirectory, "dom0");
        string cmdline = (File.ReadAllText(Path.Combine(dom0, "cmdline")).Trim() + " " + dom0Args).Trim();
        return ["-kernel", Path.Combine(dom0, "vmlinuz"), "-initrd", Path.Combine(dom0, "initrd.cpio"), "-append", cmdline];
    }

    // swtpm in the run's directory (its socket path must be short and absolute); it ends when
    // QEMU disconnects (--terminate) and is killed with the run in any case.
    private static Process StartTpm(TempDirectory dir, ProcessStartInfo qemu)
    {
        string state = dir.File("tpm");
        Directory.CreateDirectory(state);
        string socket = Path.Combine(state, "sock");
        var start = new ProcessStartInfo("swtpm") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "socket", "--tpm2", "--tpmstate", "dir=" + state, "--ctrl", "type=unixio,path=" + socket, "--terminate",
            "--log", "file=" + Path.Combine(state, "log") + ",level=1" })
            start.ArgumentList.Add(arg);
        Process tpm = ProcessReaper.Start(start);
        for (int i = 0; i < 100 && !File.Exists(socket); i++)
            Thread.Sleep(20);
        if (!File.Exists(socket))
            throw new InvalidOperationException("swtpm did not create its socket; is swtpm installed (./redoubt setup)?");
        foreach (string arg in new[] { "-chardev", "socket,id=chrtpm,path=" + socket, "-tpmdev", "emulator,id=tpm0,chardev=chrtpm", "-device", "tpm-crb,tpmdev=tpm0" })
            qemu.ArgumentList.Add(arg);
        return tpm;
    }

    private static IEnumerable<string> BootOptions(ImageBuild build, BootPath path, TempDirectory dir, string cmdline)
    {
        if (path == BootPath.Pvh)
            return QemuCommandLine.Pvh(build.ElfImage, Archive, cmdline);
        string vars = dir.File("OVMF_VARS_4M.fd");
        File.Copy(QemuCommandLine.OvmfVars, vars);
        string esp = dir.File("esp");
        Directory.CreateDirectory(Path.Combine(esp, "EFI", "BOOT"));
        File.Copy(build.EfiImage, Path.Combine(esp, "EFI", "BOOT", "BOOTX64.EFI"));
        string espArchive = Path.Combine(esp, QemuRunner.EspArchivePath);
        Directory.CreateDirectory(Path.GetDirectoryName(espArchive)!);
        File.Copy(Archive, espArchive);
        return QemuCommandLine.Uefi(vars, esp, cmdline);
    }

    // Reads COM1 as it comes and types each response once its trigger has appeared.
    private static async Task ReadConsoleAsync(Process process, StringBuilder console, IReadOnlyList<(string Trigger, string Input)> responses,
        CancellationToken cancel)
    {
        var buffer = new char[4096];
        int next = 0, searchFrom = 0;
        while (true)
        {
            int read = await process.StandardOutput.ReadAsync(buffer.AsMemory(), cancel);
            if (read == 0)
                return;
            string text;
            lock (console)
            {
                console.Append(buffer, 0, read);
                text = console.ToString();
            }
            while (next < responses.Count)
            {
                int at = text.IndexOf(responses[next].Trigger, searchFrom, StringComparison.Ordinal);
                if (at < 0)
                    break;
                searchFrom = at + responses[next].Trigger.Length;
                await process.StandardInput.WriteAsync(responses[next].Input);
                await process.StandardInput.FlushAsync(cancel);
                next++;
            }
        }
    }
}
