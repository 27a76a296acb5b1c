using System;
using System.Runtime.CompilerServices;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.SelfTest;

// The failure scenarios of docs/console-protocol.md: each does one forbidden thing the way
// real code would, so the test sees the panic a real bug would produce. Values pass through
// NoInlining methods so the compiler cannot fold the fault away.
// Safe by intent: the unsafe accesses here are the faults under test (a write to a read-only
// page of the image, a null dereference); each ends in the kernel's own panic.
// Unsafe on purpose: write-readonly stores through a pointer to the kernel's own read-only data
// to prove the page tables forbid it.
internal static unsafe class FaultScenarios
{
    // Where wx-audit-negative maps its writable+executable page: far from anything real.
    private const ulong WxProbeAddress = 0x0000_7F00_0000_0000;

    public static void Run(Scenario scenario, ulong readOnlyAddress)
    {
        Log.Info("selftest"u8).Text("running scenario "u8).Text(ScenarioNames.Of(scenario)).End();
        switch (scenario)
        {
            case Scenario.IndexOutOfRange:
                int[] values = new int[4];
                values[Opaque(4)] = 1;
                break;
            case Scenario.WriteReadOnly:
                *(byte*)OpaqueAddress(readOnlyAddress) = 0x5A;
                break;
            case Scenario.NullDereference:
                Unrelated? nothing = OpaqueObject<Unrelated>(null);
                nothing!.Value = 1;
                break;
            case Scenario.DivideByZero:
                Log.Info("selftest"u8).Decimal((ulong)(100 / Opaque(0))).End();
                break;
            case Scenario.Overflow:
                Log.Info("selftest"u8).Decimal((ulong)checked(int.MaxValue + Opaque(1))).End();
                break;
            case Scenario.InvalidCast:
                object shape = OpaqueObject(new Unrelated())!;
                Log.Info("selftest"u8).Decimal(((Square)shape).Area()).End();
                break;
            case Scenario.Throw:
                throw new InvalidOperationException("scenario throw");
            case Scenario.StackOverflow:
                Log.Info("selftest"u8).Decimal(Recurse(1)).End();
                break;
            case Scenario.WxAuditNegative:
                MapWritableExecutableProbe();
                break;
        }
    }

    private static void MapWritableExecutableProbe()
    {
        ulong frame = TableFramePool.Allocate();
        MapStatus status = KernelAddressSpace.Table.Map(WxProbeAddress, frame, 4096, PageAttributes.Writable | PageAttributes.Executable);
        Log.Info("selftest"u8).Text("mapped a writable+executable page at "u8).Hex(WxProbeAddress).Text(status == MapStatus.Success ? " (ok)"u8 : " (failed)"u8).End();
        KernelMain.AuditPageTables();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Opaque(int value) => value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong OpaqueAddress(ulong value) => value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T? OpaqueObject<T>(T? value) where T : class => value;

    // Each frame holds a buffer, so the guard page is reached quickly.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Recurse(ulong depth)
    {
        Span<ulong> buffer = stackalloc ulong[64];
        buffer[(int)(depth & 63)] = depth;
        return Recurse(depth + 1) + buffer[(int)(depth & 63)];
    }
}
