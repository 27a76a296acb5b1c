using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using Redoubt.Abi;

namespace Redoubt.Dom0.Control;

// `redoubtctl info`: an InfoRecord as stable "key: value" lines, and the checks that the
// record is one this tool understands and that its figures agree with each other.
public static class InfoReport
{
    public const ulong FrameSize = 4096;

    // The record as the kernel wrote it (little-endian, docs/spec/abi.md). The buffer may be
    // longer than the record.
    public static InfoRecord Decode(ReadOnlySpan<byte> buffer) =>
        MemoryMarshal.Read<InfoRecord>(buffer.Slice(0, InfoRecord.Size));

    // major << 32 | minor << 16 | patch (each 16 bits) as "major.minor.patch".
    public static string KernelVersionText(ulong version) =>
        $"{(version >> 32) & 0xFFFF}.{(version >> 16) & 0xFFFF}.{version & 0xFFFF}";

    // major << 16 | minor as "major.minor".
    public static string AbiVersionText(ulong version) => $"{version >> 16}.{version & 0xFFFF}";

    // The frames Redoubt keeps from Dom0: everything that is not Dom0's own memory or device
    // memory (the free pool, the hypervisor's frames, page tables, and the guests' frames).
    public static UInt128 KeptFrames(in InfoRecord record) =>
        (UInt128)record.FramesFree + record.FramesHypervisor + record.FramesPageTable
        + record.FramesGuestPrivate + record.FramesGuestShared;

    // The frames the record counts by owner.
    public static UInt128 CountedFrames(in InfoRecord record) => KeptFrames(record) + record.FramesDom0;

    // Frames in no counted state (device memory, frames being scrubbed): total minus the
    // counted ones; negative when the record is inconsistent.
    public static Int128 OtherFrames(in InfoRecord record) => (Int128)record.FramesTotal - (Int128)CountedFrames(record);

    // Null when the record can be read with this tool's definition of the ABI: the same major
    // version (a minor version only adds).
    public static string? Incompatibility(in InfoRecord record)
    {
        ulong theirs = record.AbiVersion >> 16, ours = AbiVersion.Current >> 16;
        return theirs == ours ? null
            : $"Redoubt speaks ABI {AbiVersionText(record.AbiVersion)}, this redoubtctl ABI {AbiVersionText(AbiVersion.Current)}: the major versions differ";
    }

    // Null when the record's figures agree with each other and with the call's own results
    // (result0 = ABI version, result1 = frames total, result2 = frames free).
    public static string? Inconsistency(in InfoRecord record, in HypercallResult result)
    {
        var problems = new List<string>();
        if (CountedFrames(record) > record.FramesTotal)
            problems.Add($"the frames by owner add up to {CountedFrames(record)}, more than the {record.FramesTotal} in total");
        if (result.Result0 != record.AbiVersion)
            problems.Add($"the call returned ABI version 0x{result.Result0:X}, the record 0x{record.AbiVersion:X}");
        if (result.Result1 != record.FramesTotal)
            problems.Add($"the call returned {result.Result1} frames in total, the record {record.FramesTotal}");
        if (result.Result2 != record.FramesFree)
            problems.Add($"the call returned {result.Result2} free frames, the record {record.FramesFree}");
        if (record.CpuCount == 0)
            problems.Add("the record counts no CPU");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    // The lines `redoubtctl info` prints. The first is for people; every other line is
    // "key: value" with a fixed key (docs/redoubtctl.md lists them); counts are decimal,
    // MiB have one decimal.
    public static IReadOnlyList<string> Lines(in InfoRecord record)
    {
        string kernel = KernelVersionText(record.KernelVersion), abi = AbiVersionText(record.AbiVersion);
        UInt128 kept = KeptFrames(record);
        return
        [
            $"Redoubt {kernel} (ABI {abi})",
            $"version.kernel: {kernel}",
            $"version.abi: {abi}",
            $"cpus: {record.CpuCount}",
            $"frames.total: {record.FramesTotal}",
            $"frames.free: {record.FramesFree}",
            $"frames.hypervisor: {record.FramesHypervisor}",
            $"frames.dom0: {record.FramesDom0}",
            $"frames.guest_private: {record.FramesGuestPrivate}",
            $"frames.guest_shared: {record.FramesGuestShared}",
            $"frames.page_table: {record.FramesPageTable}",
            $"frames.other: {OtherFrames(record)}",
            $"frames.kept: {kept}",
            $"memory.total_mib: {Mib(record.FramesTotal)}",
            $"memory.dom0_mib: {Mib(record.FramesDom0)}",
            $"memory.kept_mib: {Mib(kept)}",
            $"vms: {record.VmCount}",
            $"vcpus: {record.VcpuCount}",
        ];
    }

    // Frames as MiB with one decimal (256 frames of 4 KiB make 1 MiB), rounded half up.
    public static string Mib(UInt128 frames)
    {
        UInt128 tenths = (frames * 10 + 128) / 256;
        return string.Create(CultureInfo.InvariantCulture, $"{tenths / 10}.{tenths % 10}");
    }
}
