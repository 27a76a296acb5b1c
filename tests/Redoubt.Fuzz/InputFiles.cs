using System;
using System.IO;
using System.Linq;

namespace Redoubt.Fuzz;

// The inputs in a corpus or findings directory: every file but READMEs and hidden files, in
// ordinal name order.
public static class InputFiles
{
    public static string[] In(string directory) =>
        Directory.GetFiles(directory).Where(IsInput).Order(StringComparer.Ordinal).ToArray();

    private static bool IsInput(string path)
    {
        string name = Path.GetFileName(path);
        return !name.StartsWith('.') && !name.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
    }
}
