using System;
using System.IO;
using Redoubt.Abi;

namespace Redoubt.Dom0.Control;

// redoubtctl's commands over a platform: what Program.Main runs with the real one and the
// tests with fakes. Returns the exit status (ExitCode).
public static class Redoubtctl
{
    public static int Run(string[] args, IDom0Platform platform, TextWriter stdout, TextWriter stderr)
    {
        ParsedCommandLine parsed = CommandLine.Parse(args);
        switch (parsed.Command)
        {
            case Command.Help:
                stdout.WriteLine(CommandLine.Usage);
                return ExitCode.Success;
            case Command.Info:
                return Info(platform, stdout, stderr);
            default:
                stderr.WriteLine($"redoubtctl: {parsed.Error}");
                stderr.WriteLine();
                stderr.WriteLine(CommandLine.Usage);
                return ExitCode.Usage;
        }
    }

    private static int Info(IDom0Platform platform, TextWriter stdout, TextWriter stderr)
    {
        if (!UnderRedoubt(platform, stderr))
            return ExitCode.Failure;
        if (!platform.TryOpenDevice(out IRedoubtDevice? device, out string? error) || device is null)
            return Fail(stderr, error ?? $"cannot open {DriverAbi.DevicePath}");

        var buffer = new byte[InfoRecord.Size];
        HypercallResult result;
        using (device)
        {
            if (!device.TryCallWithBuffer(HypercallRegisters.Of(Hypercall.Info), buffer, out result, out error))
                return Fail(stderr, $"the Info hypercall was not made: {error}");
        }
        if (result.Status != HypercallStatus.Success)
            return Fail(stderr, $"the Info hypercall failed: {StatusName(result.Status)}");
        InfoRecord record = InfoReport.Decode(buffer);

        string? incompatible = InfoReport.Incompatibility(record);
        if (incompatible is not null)
            return Fail(stderr, incompatible);
        foreach (string line in InfoReport.Lines(record))
            stdout.WriteLine(line);
        string? inconsistent = InfoReport.Inconsistency(record, result);
        if (inconsistent is not null)
            return Fail(stderr, $"Redoubt's answer is inconsistent: {inconsistent}");
        return ExitCode.Success;
    }

    // CPUID before the driver: outside Redoubt there is no driver to ask, and saying so names
    // the real reason.
    private static bool UnderRedoubt(IDom0Platform platform, TextWriter stderr)
    {
        CpuidRegisters features = platform.Cpuid(HypervisorSignature.FeatureLeaf, 0);
        // Leaves 4000_0000h+ mean nothing without a hypervisor: read them only with one.
        CpuidRegisters hypervisor = (features.Ecx & HypervisorSignature.HypervisorPresentBit) != 0
            ? platform.Cpuid(HypervisorSignature.HypervisorLeaf, 0)
            : default;
        string? why = HypervisorSignature.WhyNotRedoubt(features, hypervisor);
        if (why is null)
            return true;
        stderr.WriteLine($"redoubtctl: not running under Redoubt ({why})");
        return false;
    }

    // The status's name in HypercallStatus, or its number when this tool does not know it.
    public static string StatusName(HypercallStatus status) =>
        Enum.IsDefined(status) ? status.ToString() : $"unknown status {(ulong)status}";

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"redoubtctl: {message}");
        return ExitCode.Failure;
    }
}
