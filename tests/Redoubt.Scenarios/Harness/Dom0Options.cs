using System;
using System.Collections.Generic;

namespace Redoubt.Scenarios.Harness;

/// <summary>How a Dom0 run is set up: Redoubt's own command line words, Dom0's (what follows
/// "--"), the machine's CPUs, extra QEMU options (disks, devices), and what to type on Dom0's
/// console when some text appears there.</summary>
public sealed record Dom0Options
{
    public string RedoubtArgs { get; init; } = "";
    public string Dom0Args { get; init; } = "";
    public int Cpus { get; init; } = 2;
    public IReadOnlyList<string> ExtraQemu { get; init; } = [];
    /// <summary>Each (text, input): once the console has shown text (after the previous
    /// answer), input is typed.</summary>
    public IReadOnlyList<(string Trigger, string Input)> Responses { get; init; } = [];
    public TimeSpan? Timeout { get; init; }
    /// <summary>A TPM 2.0 (swtpm behind QEMU's tpm-crb), as platform.md describes.</summary>
    public bool Tpm { get; init; }
    /// <summary>Boot Dom0's kernel and initramfs directly in QEMU, without Redoubt: the
    /// baseline a test compares with.</summary>
    public bool Bare { get; init; }

    /// <summary>The kernel command line: the Dom0 scenario, Redoubt's words, then Dom0's.</summary>
    public string CommandLine => ("redoubt.scenario=dom0 " + RedoubtArgs).Trim() + (Dom0Args.Length > 0 ? " -- " + Dom0Args : "");
}
