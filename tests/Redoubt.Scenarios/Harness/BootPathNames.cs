using System;

namespace Redoubt.Scenarios.Harness;

/// <summary>The names the kernel prints for each boot path (`boot path: NAME` in the banner).</summary>
public static class BootPathNames
{
    public static string Of(BootPath path) => path switch
    {
        BootPath.Pvh => "pvh",
        BootPath.Uefi => "uefi",
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
    };
}
