using System;
using Redoubt.Dom0.Control;
using Redoubt.Dom0.Native;

namespace Redoubt.Dom0;

// redoubtctl: Dom0's command-line tool for Redoubt (docs/redoubtctl.md).
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            return Redoubtctl.Run(args, new LinuxPlatform(), Console.Out, Console.Error);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"redoubtctl: {e.Message}");
            return ExitCode.Failure;
        }
    }
}
