using System;
using System.IO;

namespace Redoubt.Kernel.Tests.Abi;

// The repository's root: the nearest directory above the test assembly that holds
// Directory.Build.props.
internal static class RepoRoot
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no Directory.Build.props above {AppContext.BaseDirectory}");
    }
}
