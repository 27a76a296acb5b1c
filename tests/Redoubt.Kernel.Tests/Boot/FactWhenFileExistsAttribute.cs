using System.IO;
using Redoubt.Kernel.Tests.Abi;
using Xunit;

namespace Redoubt.Kernel.Tests.Boot;

// A fact that is reported as skipped (not passed) when a file it needs is missing: a tool that
// is not installed, or a build product that was not built. Relative paths are from the
// repository's root.
public sealed class FactWhenFileExistsAttribute : FactAttribute
{
    public FactWhenFileExistsAttribute(string path)
    {
        if (!File.Exists(Resolve(path)))
            Skip = $"{path} does not exist";
    }

    public static string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(RepoRoot.Find(), path);
}
