using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Redoubt.Scenarios.Harness;

/// <summary>Builds the kernel images with `dotnet build src/Redoubt.Image` and says whether it worked.</summary>
public sealed class ImageBuild
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    private ImageBuild(string elfImage, string efiImage, string? failure)
    {
        ElfImage = elfImage;
        EfiImage = efiImage;
        Failure = failure;
    }

    /// <summary>artifacts/image/redoubt.elf, the PVH image.</summary>
    public string ElfImage { get; }

    /// <summary>artifacts/image/BOOTX64.EFI, the UEFI application.</summary>
    public string EfiImage { get; }

    /// <summary>Why the images cannot be used, or null when they can.</summary>
    public string? Failure { get; }

    public static async Task<ImageBuild> RunAsync(string repoRoot)
    {
        string project = Path.Combine(repoRoot, "src", "Redoubt.Image");
        string elf = Path.Combine(repoRoot, "artifacts", "image", "redoubt.elf");
        string efi = Path.Combine(repoRoot, "artifacts", "image", "BOOTX64.EFI");
        using var dir = new TempDirectory("redoubt-build-");
        string log = dir.File("build.log");

        // The output goes to a file, not a pipe: MSBuild and compiler server processes that
        // outlive the build would otherwise hold the pipe open and stall the wait for EOF.
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = repoRoot,
        };
        foreach (string arg in new[] { "-c", "exec \"$0\" build \"$1\" -nologo -v q -nodeReuse:false >\"$2\" 2>&1", Dotnet(), project, log })
            start.ArgumentList.Add(arg);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        var clock = Stopwatch.StartNew();
        using Process process = ProcessReaper.Start(start);
        bool finished = true;
        try
        {
            process.StandardInput.Close();
            using var deadline = new CancellationTokenSource(Limit);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                finished = false;
            }
        }
        finally
        {
            ProcessReaper.Kill(process);
            ProcessReaper.Forget(process);
        }
        string output = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
        string command = $"dotnet build {project} -nologo -v q";

        string? failure = null;
        if (!finished)
            failure = $"`{command}` did not finish within {Limit.TotalMinutes:0} minutes.";
        else if (process.ExitCode != 0)
            failure = $"`{command}` failed (exit {process.ExitCode}) after {clock.Elapsed.TotalSeconds:0} s:\n{Tail(output, 40)}";
        else if (!File.Exists(elf) || !File.Exists(efi))
            failure = $"`{command}` succeeded but did not produce {elf} and {efi}.";
        return new ImageBuild(elf, efi, failure);
    }

    /// <summary>The dotnet host running these tests, so the build uses the same SDK installation.</summary>
    private static string Dotnet()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return host is not null && File.Exists(host) ? host : "dotnet";
    }

    private static string Tail(string text, int lines)
    {
        string[] all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
