using System;
using System.IO;
using Redoubt.Kernel.Tests.Abi;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

// A real distribution kernel, when one is at hand: REDOUBT_LINUX_KERNEL, or the Debian vmlinuz
// the KVM baseline unpacks into artifacts/kvm-baseline/kernel/*/boot/. A fact using it is
// reported as skipped when there is none.
public sealed class FactWhenLinuxKernelExistsAttribute : FactAttribute
{
    public FactWhenLinuxKernelExistsAttribute()
    {
        if (Find() is null)
            Skip = "no Linux kernel: set REDOUBT_LINUX_KERNEL or run the KVM baseline (artifacts/kvm-baseline/kernel/*/boot/vmlinuz-*)";
    }

    public static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable("REDOUBT_LINUX_KERNEL");
        if (!string.IsNullOrEmpty(configured))
            return File.Exists(configured) ? configured : null;
        string kernels = Path.Combine(RepoRoot.Find(), "artifacts", "kvm-baseline", "kernel");
        if (!Directory.Exists(kernels))
            return null;
        foreach (string package in Directory.GetDirectories(kernels))
        {
            string boot = Path.Combine(package, "boot");
            if (!Directory.Exists(boot))
                continue;
            string[] found = Directory.GetFiles(boot, "vmlinuz-*");
            if (found.Length > 0)
                return found[0];
        }
        return null;
    }
}
