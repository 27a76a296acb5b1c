using System;
using System.IO;

namespace Redoubt.Scenarios.Harness;

/// <summary>Finds the repository root: the nearest folder above the test assembly that holds the
/// `redoubt` script or Directory.Build.props.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "redoubt"))
                || File.Exists(System.IO.Path.Combine(dir.FullName, "Directory.Build.props")))
                return dir.FullName;
        }
        throw new InvalidOperationException(
            $"Cannot find the Redoubt repository root above {AppContext.BaseDirectory} "
            + "(looked for the 'redoubt' script or Directory.Build.props).");
    }
}
