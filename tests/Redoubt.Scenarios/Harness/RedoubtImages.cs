using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Xunit;

namespace Redoubt.Scenarios.Harness;

/// <summary>The collection fixture of every scenario test: builds the images once per test run
/// (however many collections use it) and boots each (boot path, command line) pair once, so
/// several tests can check the same run. Collections run in parallel; the state here is shared.</summary>
public sealed class RedoubtImages : IAsyncLifetime
{
    private static readonly Lazy<Task<ImageBuild>> Build = new(() => ImageBuild.RunAsync(RepoRoot.Path));
    private static readonly ConcurrentDictionary<(BootPath, string, UefiArchive), Lazy<Task<QemuResult>>> Runs = new();
    private static readonly ConcurrentDictionary<(BootPath, string), Lazy<Task<Dom0Result>>> Dom0Runs = new();

    public Task InitializeAsync() => Build.Value;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The result of booting <paramref name="scenario"/> on <paramref name="path"/>.</summary>
    public Task<QemuResult> BootAsync(BootPath path, string scenario) =>
        BootWithCommandLineAsync(path, "redoubt.scenario=" + scenario);

    /// <summary>The result of booting <paramref name="scenario"/> on the UEFI path with no boot
    /// archive on the ESP and the guest archive only in fw_cfg (the kernel's fallback).</summary>
    public Task<QemuResult> BootUefiWithFwCfgArchiveAsync(string scenario) =>
        BootWithCommandLineAsync(BootPath.Uefi, "redoubt.scenario=" + scenario, UefiArchive.FirmwareConfig);

    /// <summary>The result of booting Dom0 on <paramref name="path"/>; runs with the same name
    /// share one QEMU run (the name stands for the options).</summary>
    public async Task<Dom0Result> Dom0Async(BootPath path, string name, Dom0Options options)
    {
        ImageBuild build = await Build.Value;
        if (build.Failure is not null)
            throw new InvalidOperationException("The kernel images did not build, so no scenario can run.\n" + build.Failure);
        return await Dom0Runs.GetOrAdd((path, name), _ => new Lazy<Task<Dom0Result>>(() => Dom0Session.RunAsync(build, path, options))).Value;
    }

    /// <summary>artifacts/image, where the images and archives are.</summary>
    public static string ImageDirectory => System.IO.Path.Combine(RepoRoot.Path, "artifacts", "image");

    /// <summary>The result of booting with a kernel command line; QEMU runs at most once per
    /// (boot path, command line, UEFI archive place) in a test run.</summary>
    public async Task<QemuResult> BootWithCommandLineAsync(BootPath path, string cmdline, UefiArchive archive = UefiArchive.Esp)
    {
        ImageBuild build = await Build.Value;
        if (build.Failure is not null)
            throw new InvalidOperationException("The kernel images did not build, so no scenario can run.\n" + build.Failure);
        var runner = new QemuRunner(build.ElfImage, build.EfiImage);
        return await Runs.GetOrAdd((path, cmdline, archive), key => new Lazy<Task<QemuResult>>(() => runner.BootAsync(key.Item1, key.Item2, key.Item3))).Value;
    }
}
