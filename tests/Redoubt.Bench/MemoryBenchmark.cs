using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Redoubt.Abi;
using Redoubt.Kernel.Host.Support;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Memory;
using Redoubt.Kernel.Objects;

namespace Redoubt.Bench;

// Donates 1 GiB from Dom0 to one VM (MemDonate: Dom0's nested table loses the range, large
// pages split at its edge; the frames are zeroed; the VM's nested table is built) and destroys
// the VM (VmDestroy: every frame scrubbed and mapped back into Dom0), on one machine, run after
// run. Only the hypercalls are timed. Around them, untimed: Dom0 fills the range with data
// before each donation, the donated range is checked to be zero, and the invariant checker runs.
// A plain Span.Clear of the same 1 GiB is timed in every run for comparison.
//
// The layout makes the kernel do the most work 1 GiB can ask for: Dom0's memory starts at 9 MiB
// and the donated range ends 2 MiB before Dom0's end, inside a 2 MiB region, so a Dom0 table
// with large pages there must split one; and guest-physical 0 is not 2 MiB-congruent to host
// 9 MiB, so the VM's table is built of 4 KiB pages throughout (the most table frames).
public static class MemoryBenchmark
{
    private const ulong Page = 4096;
    private const ulong DonatedFrames = 262_144;          // 1 GiB
    private const ulong HypervisorFrames = 256;           // 1 MiB
    private const ulong TablePoolFrames = 2_048;          // 8 MiB
    private const ulong Dom0Frames = DonatedFrames + 512; // 1 GiB + 2 MiB
    private const ulong MachineFrames = HypervisorFrames + TablePoolFrames + Dom0Frames;
    private const ulong HostAddress = (HypervisorFrames + TablePoolFrames) * Page;
    private const ulong GuestAddress = 0;
    private const ushort Dom0 = KernelCore<ArrayPhysicalMemory>.Dom0;
    private const double GiB = 1UL << 30;

    public static int Run(BenchOptions options, TextWriter output)
    {
        var config = new KernelConfig
        {
            HypervisorFrames = HypervisorFrames,
            TablePoolFrames = TablePoolFrames,
            MaxVms = 1,
            MaxVcpusPerVm = 1,
            CapabilitySlots = 8,
            MaxPagesPerCall = DonatedFrames,
            CpuCount = 1,
        };
        KernelCore<ArrayPhysicalMemory> core = TestMachine.Create(MachineFrames, config);
        byte[] memory = core.Machine.Physical.Bytes;
        Span<byte> donated = memory.AsSpan(checked((int)HostAddress), checked((int)(DonatedFrames * Page)));
        // Touch Dom0's memory once, so that no run pays for the OS committing pages (the other
        // frames hold the kernel's tables and must stay as they are).
        memory.AsSpan(checked((int)HostAddress)).Fill(0);
        FrameTable frames = core.Machine.Frames;
        ulong pagesPerCall = DonatedFrames / (ulong)options.Calls;

        output.WriteLine("Redoubt memory benchmark: MemDonate 1 GiB to one VM, then VmDestroy it");
        output.WriteLine($"machine   {MachineFrames:N0} frames ({MachineFrames * Page >> 20} MiB): hypervisor {HypervisorFrames:N0}, table pool {TablePoolFrames:N0}, Dom0 {Dom0Frames:N0}");
        output.WriteLine($"donation  {DonatedFrames:N0} frames (1 GiB) from host 0x{HostAddress:X} to guest 0x{GuestAddress:X} in {options.Calls} call(s) of {pagesPerCall:N0} pages");
        output.WriteLine($"runtime   .NET {Environment.Version}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} CPUs{CpuModel()}");
        output.WriteLine($"runs      {options.Warmup} warm-up + {options.Runs} timed; invariants checked {(options.CheckEachRun ? "after every donation and destroy" : "after the last run")} (untimed)");
        output.WriteLine();

        var donate = new Timings("MemDonate");
        var destroy = new Timings("VmDestroy");
        var clear = new Timings("Span.Clear");
        ulong dom0TablesAtBoot = core.Dom0Table.CountTables();
        ulong vmTables = 0, dom0SplitTables = 0, dom0TablesAfterFirstDestroy = 0;
        int checks = 0;
        var checkTime = new Stopwatch();

        for (int run = 0; run < options.Warmup + options.Runs; run++)
        {
            bool timed = run >= options.Warmup;
            bool last = run == options.Warmup + options.Runs - 1;

            // Baseline over the same bytes (Dom0's memory at this point).
            Settle();
            long start = Stopwatch.GetTimestamp();
            donated.Clear();
            TimeSpan clearTime = Stopwatch.GetElapsedTime(start);

            // Dom0's data in the frames it is about to give away; a VM to give them to.
            donated.Fill((byte)(0xA5 ^ run));
            ulong tablesBefore = frames.Count(FrameState.PageTable);
            ulong dom0TablesBefore = core.Dom0Table.CountTables();
            HypercallResult created = core.Call(Dom0, Hypercall.VmCreate);
            if (!Succeeded(created, "VmCreate", output))
                return 1;
            ulong vm = created.Result0;

            Settle();
            start = Stopwatch.GetTimestamp();
            HypercallResult result = default;
            for (int call = 0; call < options.Calls && (call == 0 || result.Status == HypercallStatus.Success); call++)
            {
                ulong offset = (ulong)call * pagesPerCall * Page;
                result = core.Call(Dom0, Hypercall.MemDonate, vm, HostAddress + offset, pagesPerCall, GuestAddress + offset);
            }
            TimeSpan donateTime = Stopwatch.GetElapsedTime(start);
            if (!Succeeded(result, "MemDonate", output))
                return 1;

            VirtualMachine machineVm = core.Vms[0];
            ulong vmTablesNow = core.VmTable(machineVm).CountTables();
            ulong dom0TablesNow = core.Dom0Table.CountTables();
            if (frames.Count(FrameState.PageTable) - tablesBefore != vmTablesNow + (dom0TablesNow - dom0TablesBefore))
            {
                output.WriteLine($"FAIL table frames: {frames.Count(FrameState.PageTable) - tablesBefore} new, VM table has {vmTablesNow}, Dom0 grew by {dom0TablesNow - dom0TablesBefore}");
                return 1;
            }
            if (run == 0)
            {
                vmTables = vmTablesNow;
                dom0SplitTables = dom0TablesNow - dom0TablesBefore;
            }
            if (donated.IndexOfAnyExcept((byte)0) >= 0 || frames.Count(FrameState.GuestPrivate) != DonatedFrames)
            {
                output.WriteLine("FAIL donated frames are not all zero and private to the VM");
                return 1;
            }
            if ((options.CheckEachRun || last) && !Check(core, "after MemDonate", output, checkTime, ref checks))
                return 1;

            Settle();
            start = Stopwatch.GetTimestamp();
            result = core.Call(Dom0, Hypercall.VmDestroy, vm);
            TimeSpan destroyTime = Stopwatch.GetElapsedTime(start);
            if (!Succeeded(result, "VmDestroy", output))
                return 1;
            if (run == 0)
                dom0TablesAfterFirstDestroy = core.Dom0Table.CountTables();
            if (frames.Count(FrameState.Dom0) != Dom0Frames || frames.Count(FrameState.GuestPrivate) != 0)
            {
                output.WriteLine($"FAIL after VmDestroy Dom0 owns {frames.Count(FrameState.Dom0):N0} frames, wants {Dom0Frames:N0}");
                return 1;
            }
            if ((options.CheckEachRun || last) && !Check(core, "after VmDestroy", output, checkTime, ref checks))
                return 1;

            string label = timed ? $"run {run - options.Warmup + 1,3}" : run == 0 ? "warm-up 1 (fresh machine)" : $"warm-up {run + 1}";
            output.WriteLine($"{label,-26} MemDonate {Rate(donateTime),14} frames/s   VmDestroy {Rate(destroyTime),14} frames/s   Span.Clear {Rate(clearTime),14} frames/s");
            if (timed)
            {
                donate.Add(donateTime);
                destroy.Add(destroyTime);
                clear.Add(clearTime);
            }
        }

        double tableBytesPerFrame = (double)(vmTables * Page) / DonatedFrames;
        double metadataPerFrame = FrameTable.BytesPerFrame + tableBytesPerFrame;
        // Dom0's table keeps its last-level tables while the memory is donated (Unmap frees none).
        double dom0TableBytesPerFrame = (double)(dom0TablesAtBoot * Page) / Dom0Frames;
        output.WriteLine();
        output.WriteLine($"{"1 GiB = 262,144 frames",-24}{"median frames/s",18}{"min",14}{"max",14}{"median GiB/s",14}{"median ms",11}");
        foreach (Timings t in new[] { donate, destroy, clear })
        {
            output.WriteLine($"{t.Name,-24}{t.MedianRate(DonatedFrames),18:N0}{t.MinRate(DonatedFrames),14:N0}{t.MaxRate(DonatedFrames),14:N0}"
                + $"{t.MedianRate(1),14:F2}{t.MedianSeconds * 1000,11:F1}");
        }
        output.WriteLine($"MemDonate takes {donate.MedianSeconds / clear.MedianSeconds:F2}x and VmDestroy {destroy.MedianSeconds / clear.MedianSeconds:F2}x the time of zeroing the same 1 GiB with Span.Clear.");
        output.WriteLine();
        output.WriteLine($"table frames   VM nested table for 1 GiB: {vmTables} (4 KiB pages; root included); added to Dom0's table by the first donation (splits): {dom0SplitTables}");
        output.WriteLine($"               Dom0 table: {dom0TablesAtBoot} frames at boot, {dom0TablesAfterFirstDestroy} after the first VmDestroy, {core.Dom0Table.CountTables()} now");
        output.WriteLine($"metadata       {FrameTable.BytesPerFrame} B/frame frame table + {tableBytesPerFrame:F3} B/frame VM tables ({vmTables} x 4096 / {DonatedFrames:N0}) = {metadataPerFrame:F3} B/frame");
        output.WriteLine($"               + {dom0TableBytesPerFrame:F3} B/frame Dom0 table kept meanwhile ({dom0TablesAtBoot} x 4096 / {Dom0Frames:N0}) = {metadataPerFrame + dom0TableBytesPerFrame:F3} B/frame");
        output.WriteLine($"invariants     {checks} checks, all passed ({checkTime.Elapsed.TotalSeconds:F1} s, untimed)");
        output.WriteLine(Json(options, donate, destroy, clear, vmTables, dom0SplitTables, dom0TablesAtBoot, dom0TablesAfterFirstDestroy,
            core.Dom0Table.CountTables(), tableBytesPerFrame, metadataPerFrame, dom0TableBytesPerFrame, checks));
        return 0;
    }

    private static string Rate(TimeSpan elapsed) => (DonatedFrames / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture);

    // Garbage from the untimed parts is collected before, not during, a timed call.
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static bool Succeeded(HypercallResult result, string call, TextWriter output)
    {
        if (result.Status == HypercallStatus.Success)
            return true;
        output.WriteLine($"FAIL {call} returned {result.Status}");
        return false;
    }

    private static bool Check(KernelCore<ArrayPhysicalMemory> core, string when, TextWriter output, Stopwatch checkTime, ref int checks)
    {
        checkTime.Start();
        List<string> violations = InvariantChecker.Check(core);
        checkTime.Stop();
        checks++;
        if (violations.Count == 0)
            return true;
        output.WriteLine($"FAIL invariants {when}: {violations.Count} violations, first: {violations[0]}");
        return false;
    }

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                    return ", " + line.Substring(line.IndexOf(':') + 1).Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return "";
    }

    private static string Json(BenchOptions options, Timings donate, Timings destroy, Timings clear, ulong vmTables, ulong dom0SplitTables,
        ulong dom0TablesAtBoot, ulong dom0TablesAfterFirstDestroy, ulong dom0TablesNow, double tableBytesPerFrame, double metadataPerFrame,
        double dom0TableBytesPerFrame, int checks)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("benchmark", "memory");
            json.WriteNumber("frames", DonatedFrames);
            json.WriteNumber("bytes", DonatedFrames * Page);
            json.WriteNumber("runs", options.Runs);
            json.WriteNumber("warmup", options.Warmup);
            json.WriteNumber("donate_calls", options.Calls);
            foreach (Timings t in new[] { donate, destroy, clear })
            {
                string key = t == donate ? "donate" : t == destroy ? "destroy" : "clear_baseline";
                json.WriteNumber($"{key}_frames_per_s_median", Math.Round(t.MedianRate(DonatedFrames)));
                json.WriteNumber($"{key}_frames_per_s_min", Math.Round(t.MinRate(DonatedFrames)));
                json.WriteNumber($"{key}_frames_per_s_max", Math.Round(t.MaxRate(DonatedFrames)));
                json.WriteNumber($"{key}_gib_per_s_median", Math.Round(t.MedianRate(1), 3));
                json.WriteStartArray($"{key}_seconds");
                foreach (double s in t.Seconds)
                    json.WriteNumberValue(Math.Round(s, 6));
                json.WriteEndArray();
            }
            json.WriteNumber("donate_over_clear", Math.Round(donate.MedianSeconds / clear.MedianSeconds, 3));
            json.WriteNumber("destroy_over_clear", Math.Round(destroy.MedianSeconds / clear.MedianSeconds, 3));
            json.WriteNumber("vm_table_frames", vmTables);
            json.WriteNumber("dom0_split_table_frames", dom0SplitTables);
            json.WriteNumber("dom0_table_frames_at_boot", dom0TablesAtBoot);
            json.WriteNumber("dom0_table_frames_after_first_destroy", dom0TablesAfterFirstDestroy);
            json.WriteNumber("dom0_table_frames_at_end", dom0TablesNow);
            json.WriteNumber("frame_table_bytes_per_frame", FrameTable.BytesPerFrame);
            json.WriteNumber("table_bytes_per_frame", Math.Round(tableBytesPerFrame, 4));
            json.WriteNumber("metadata_bytes_per_frame", Math.Round(metadataPerFrame, 4));
            json.WriteNumber("dom0_table_bytes_per_frame", Math.Round(dom0TableBytesPerFrame, 4));
            json.WriteNumber("metadata_bytes_per_frame_with_dom0_table", Math.Round(metadataPerFrame + dom0TableBytesPerFrame, 4));
            json.WriteNumber("invariant_checks_passed", checks);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
