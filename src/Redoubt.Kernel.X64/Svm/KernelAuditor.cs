using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Diagnostics;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Memory;

namespace Redoubt.Kernel.X64.Svm;

// The kernel core's invariant audit, on request: redoubt.audit=N on Redoubt's command line
// runs KernelCore.Audit after every N-th hypercall (under the core lock, so between calls) and
// logs the outcome of each: a broken invariant as an error line naming it.
// Off by default: an audit reads every frame table entry, every free frame and every table.
internal static class KernelAuditor
{
    private static ulong s_every, s_calls, s_audits;

    public static void Configure(ReadOnlySpan<byte> commandLine)
    {
        ReadOnlySpan<byte> value = BootCommandLine.Value(commandLine, "redoubt.audit"u8);
        if (value.IsEmpty)
            return;
        if (!NumberFormat.TryParseDecimal(value, out ulong every) || every == 0)
        {
            Log.Warn("audit"u8).Text("redoubt.audit= takes a number of hypercalls above 0; no audits"u8).End();
            return;
        }
        s_every = every;
        Log.Info("audit"u8).Text("the kernel core's invariants are audited after every "u8).Decimal(every).Text(" hypercalls"u8).End();
    }

    // After a hypercall, under the core lock.
    public static void AfterCall(KernelCore<RangePhysicalMemory> core)
    {
        if (s_every == 0 || ++s_calls % s_every != 0)
            return;
        InvariantAudit audit = core.Audit();
        s_audits++;
        if (audit.Violations != 0)
            Log.Error("audit"u8).Text("INV-"u8).Decimal(audit.FirstInvariant).Text(" broken at "u8).Hex(audit.FirstFrame).Text(", "u8)
                .Decimal(audit.Violations).Text(" violations after "u8).Decimal(s_calls).Text(" hypercalls"u8).End();
        else
            Log.Info("audit"u8).Text("invariants hold over "u8).Decimal(audit.FramesChecked).Text(" frames after "u8).Decimal(s_calls)
                .Text(" hypercalls (audit "u8).Decimal(s_audits).Text(")"u8).End();
    }
}
