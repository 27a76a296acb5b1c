using System;
using System.Collections.Generic;
using System.IO;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;

namespace Redoubt.Fuzz;

// The fuzz target: input bytes -> a machine shape and up to MaxCalls hypercalls (MachineShape,
// FuzzCall). After every call it checks what the kernel promises for anything a caller
// controls; a broken promise throws FuzzFailure:
//   - the kernel returns a status, it never throws;
//   - the status is one HypercallStatus defines; a failing call returns zero results;
//   - a failing call leaves the state bit-for-bit unchanged (StateDigest);
//   - every invariant of docs/spec/invariants.md holds (InvariantChecker).
public static class FuzzTarget
{
    public const int MaxCalls = 16;

    public static void Run(ReadOnlySpan<byte> input) => Run(input, trace: null);

    // trace, when given, receives one line per call with its outcome.
    public static void Run(ReadOnlySpan<byte> input, TextWriter? trace)
    {
        var reader = new InputReader(input);
        MachineShape shape = MachineShape.Decode(reader.ReadByte());
        KernelCore<ArrayPhysicalMemory> core = shape.Metal ? TestMachine.CreateMetal(shape.Frames, shape.Config) : TestMachine.Create(shape.Frames, shape.Config);
        trace?.WriteLine($"machine: {shape.Frames} frames, {shape.Config.TablePoolFrames} table-pool frames, Dom0 from 0x{shape.FirstDom0Frame * 4096:x}, " +
            $"{shape.Config.MaxVms} VMs, {shape.Config.MaxVcpusPerVm} vCPUs per VM, {shape.Config.CapabilitySlots} slots, {shape.Config.MaxPagesPerCall} pages per call");
        CheckInvariants(core, "after boot");

        // The digest of the current state when known: after a failing call the state is the one
        // just hashed (until a buffer is written), which saves hashing it again.
        string? digest = null;
        for (int step = 0; step < MaxCalls && !reader.AtEnd; step++)
        {
            FuzzCall call = FuzzCall.Read(ref reader);
            HypercallResult result;
            string before;
            try
            {
                if (!call.Buffer.IsEmpty)
                {
                    CallerMemory.Write(core, call.Caller, call.BufferAddress, call.Buffer);
                    digest = null;
                }
                before = digest ?? StateDigest.Of(core);
                result = core.Dispatch(call.Caller, call.Registers);
            }
            catch (Exception e)
            {
                throw new FuzzFailure($"{Describe(step, call)} threw {e.GetType().Name}: {e.Message}", e);
            }
            trace?.WriteLine($"{step,2}: {call.ToString()} -> {result.Status} (0x{result.Result0:x}, 0x{result.Result1:x}, 0x{result.Result2:x})");
            if (!call.Buffer.IsEmpty)
                trace?.WriteLine($"    {call.BufferText()}");

            if (!Enum.IsDefined(result.Status))
                throw new FuzzFailure($"{Describe(step, call)} returned undefined status {(ulong)result.Status}");
            if (result.Status != HypercallStatus.Success)
            {
                if (result.Result0 != 0 || result.Result1 != 0 || result.Result2 != 0)
                    throw new FuzzFailure($"{Describe(step, call)} failed with {result.Status} but returned results 0x{result.Result0:x}, 0x{result.Result1:x}, 0x{result.Result2:x}");
                digest = StateDigest.Of(core);
                if (digest != before)
                    throw new FuzzFailure($"{Describe(step, call)} failed with {result.Status} but changed the state");
            }
            else
            {
                digest = null;
            }
            string? violations = Violations(core);
            if (violations is not null)
                throw new FuzzFailure($"{Describe(step, call)} -> {result.Status} {violations}");
        }
    }

    private static string Describe(int step, in FuzzCall call) =>
        $"step {step}: {call.ToString()}" + (call.Buffer.IsEmpty ? "" : $" ({call.BufferText()})");

    private static void CheckInvariants(KernelCore<ArrayPhysicalMemory> core, string where)
    {
        string? violations = Violations(core);
        if (violations is not null)
            throw new FuzzFailure($"{where} {violations}");
    }

    // null when every invariant holds; else what broke (or that the checker itself threw).
    private static string? Violations(KernelCore<ArrayPhysicalMemory> core)
    {
        List<string> violations;
        try
        {
            violations = InvariantChecker.Check(core);
        }
        catch (Exception e)
        {
            return $"made the invariant checker throw {e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}";
        }
        if (violations.Count != 0)
            return $"broke invariants:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", violations)}";
        // The image's own audit (redoubt.audit=1) must agree with the host checker.
        InvariantAudit audit = core.Audit();
        return audit.Violations == 0 ? null : $"the kernel's audit finds INV-{audit.FirstInvariant} broken at {audit.FirstFrame} where the host checker finds nothing";
    }
}
