using System;
using System.Collections.Concurrent;
using System.IO;

namespace Redoubt.Scenarios.Harness;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on
/// Dispose, or by <see cref="DeleteAll"/> when the test host is terminated first.</summary>
public sealed class TempDirectory : IDisposable
{
    private static readonly ConcurrentDictionary<string, TempDirectory> Live = new();

    public TempDirectory(string prefix)
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        Live[Path] = this;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Live.TryRemove(Path, out _);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not turn a result into an error.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes every directory not yet disposed.</summary>
    public static void DeleteAll()
    {
        foreach (TempDirectory dir in Live.Values)
            dir.Dispose();
    }
}
