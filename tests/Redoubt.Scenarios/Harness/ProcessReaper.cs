using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Redoubt.Scenarios.Harness;

/// <summary>Starts the harness's child processes and kills them (with their children) when they
/// must stop: on timeout, on an exception, and when the test host exits or is terminated (then
/// the runs' temp directories go too). .NET runs no exit handlers on SIGTERM by default, so
/// SIGTERM and SIGHUP are hooked.</summary>
public static class ProcessReaper
{
    private static readonly object Gate = new();
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private static bool shuttingDown;

    // Kept referenced: a registration that is collected stops handling its signal.
    private static readonly PosixSignalRegistration[] SignalHooks =
    [
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll()),
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => KillAll()),
    ];

    static ProcessReaper()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    /// <summary>Starts and registers a process. Starting and killing everything exclude each
    /// other, so no process is started behind the back of a test host that is going down.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        lock (Gate)
        {
            if (shuttingDown)
                throw new OperationCanceledException("The test host is shutting down; no new process is started.");
            Process process = Process.Start(start)
                ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
            Live[process.Id] = process;
            return process;
        }
    }

    public static void Forget(Process process) => Live.TryRemove(process.Id, out _);

    /// <summary>Kills the process and all its descendants; safe to call on an exited process.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Already gone.
        }
    }

    private static void KillAll()
    {
        lock (Gate)
        {
            shuttingDown = true;
            foreach (Process process in Live.Values)
                Kill(process);
        }
        TempDirectory.DeleteAll();
    }
}
