using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Redoubt.Kernel.Diagnostics;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Traps;

// Entered from Boot/failures.asm when a runtime check fails (index, overflow, cast, throw...).
// rip is the return address of the failing helper call: the faulting site.
internal static unsafe class RuntimeFailureHandler
{
    [UnmanagedCallersOnly(EntryPoint = "RedoubtRuntimeFailure")]
    private static void OnRuntimeFailure(int kind, ulong rip, nint exception)
    {
        if (!Panic.Begin())
            Panic.Stop();
        var line = Log.Panic("runtime"u8);
        line.Text(RuntimeFailureNames.Of((RuntimeFailureKind)kind)).Text(" at rip="u8).Hex(rip);
        if (exception != 0)
        {
            // Safe: RhpThrowEx passes the thrown object itself; it is a live Exception.
            Exception thrown = Unsafe.AsRef<Exception>(&exception);
            line.Text(": "u8).Text(thrown.Message);
        }
        line.End();
        Panic.Halt();
    }
}
