using System;
using Redoubt.Abi;
using Redoubt.Dom0.Control;
using Xunit;

namespace Redoubt.Dom0.Tests;

public class InfoReportTests
{
    public static InfoRecord Sample() => new()
    {
        AbiVersion = AbiVersion.Current,
        KernelVersion = (1UL << 32) | (2UL << 16) | 3,
        CpuCount = 2,
        FramesTotal = 65536,
        FramesFree = 1000,
        FramesHypervisor = 3000,
        FramesDom0 = 60000,
        FramesGuestPrivate = 1000,
        FramesGuestShared = 24,
        FramesPageTable = 500,
        VmCount = 2,
        VcpuCount = 3,
    };

    [Fact]
    public void FormatsEveryFigureAsAStableKeyValueLine()
    {
        Assert.Equal(
        [
            "Redoubt 1.2.3 (ABI 1.0)",
            "version.kernel: 1.2.3",
            "version.abi: 1.0",
            "cpus: 2",
            "frames.total: 65536",
            "frames.free: 1000",
            "frames.hypervisor: 3000",
            "frames.dom0: 60000",
            "frames.guest_private: 1000",
            "frames.guest_shared: 24",
            "frames.page_table: 500",
            "frames.other: 12",
            "frames.kept: 5524",
            "memory.total_mib: 256.0",
            "memory.dom0_mib: 234.4",
            "memory.kept_mib: 21.6",
            "vms: 2",
            "vcpus: 3",
        ], InfoReport.Lines(Sample()));
    }

    [Fact]
    public void KeptIsEverythingButDom0AndTheRest()
    {
        InfoRecord r = Sample();
        Assert.Equal((UInt128)(r.FramesTotal - r.FramesDom0 - 12), InfoReport.KeptFrames(r));
        Assert.Equal((Int128)12, InfoReport.OtherFrames(r));
    }

    [Fact]
    public void HugeCountsDoNotOverflow()
    {
        InfoRecord r = Sample();
        r.FramesTotal = r.FramesFree = r.FramesHypervisor = ulong.MaxValue;
        Assert.Equal((UInt128)ulong.MaxValue * 2 + 500 + 1000 + 24, InfoReport.KeptFrames(r));
        Assert.True(InfoReport.OtherFrames(r) < 0);
        Assert.Contains("frames.other: -", string.Join('\n', InfoReport.Lines(r)));
    }

    [Theory]
    [InlineData(0UL, "0.0")]
    [InlineData(1UL, "0.0")]
    [InlineData(13UL, "0.1")]   // 0.0508 MiB rounds to 0.1
    [InlineData(12UL, "0.0")]   // 0.0469 rounds to 0.0
    [InlineData(256UL, "1.0")]
    [InlineData(262144UL, "1024.0")]
    [InlineData(ulong.MaxValue, "72057594037927936.0")]
    public void MibHaveOneDecimal(ulong frames, string text) => Assert.Equal(text, InfoReport.Mib(frames));

    [Theory]
    [InlineData(0UL, "0.0.0")]
    [InlineData(0x0000_0000_0001_0000UL, "0.1.0")]
    [InlineData(0x0000_FFFF_FFFF_FFFFUL, "65535.65535.65535")]
    public void KernelVersionsAreMajorMinorPatch(ulong version, string text) => Assert.Equal(text, InfoReport.KernelVersionText(version));

    [Fact]
    public void DecodesTheRecordAtTheOffsetsTheAbiGives()
    {
        byte[] bytes = new byte[200];
        for (int field = 0; field < 12; field++)
            BitConverter.TryWriteBytes(bytes.AsSpan(field * 8), 0x1111_1111_0000_0000UL * (ulong)(field + 1) + (ulong)field);
        InfoRecord r = InfoReport.Decode(bytes);
        ulong[] fields =
        [
            r.AbiVersion, r.KernelVersion, r.CpuCount, r.FramesTotal, r.FramesFree, r.FramesHypervisor, r.FramesDom0,
            r.FramesGuestPrivate, r.FramesGuestShared, r.FramesPageTable, r.VmCount, r.VcpuCount,
        ];
        for (int field = 0; field < 12; field++)
            Assert.Equal(0x1111_1111_0000_0000UL * (ulong)(field + 1) + (ulong)field, fields[field]);
        Assert.Throws<ArgumentOutOfRangeException>(() => InfoReport.Decode(new byte[InfoRecord.Size - 1]));
    }

    [Fact]
    public void AConsistentRecordPasses()
    {
        InfoRecord r = Sample();
        Assert.Null(InfoReport.Inconsistency(r, HypercallResult.Ok(r.AbiVersion, r.FramesTotal, r.FramesFree)));
        Assert.Null(InfoReport.Incompatibility(r));
    }

    [Fact]
    public void OwnersAddingUpToMoreThanTheTotalAreInconsistent()
    {
        InfoRecord r = Sample();
        r.FramesTotal = 65000;
        Assert.Equal("the frames by owner add up to 65524, more than the 65000 in total",
            InfoReport.Inconsistency(r, HypercallResult.Ok(r.AbiVersion, r.FramesTotal, r.FramesFree)));
    }

    [Fact]
    public void TheCallsResultsMustAgreeWithTheRecord()
    {
        InfoRecord r = Sample();
        Assert.Equal("the call returned 65535 frames in total, the record 65536; the call returned 999 free frames, the record 1000",
            InfoReport.Inconsistency(r, HypercallResult.Ok(r.AbiVersion, 65535, 999)));
        Assert.Contains("the call returned ABI version 0x20000", InfoReport.Inconsistency(r, HypercallResult.Ok(0x20000, r.FramesTotal, r.FramesFree)));
        r.CpuCount = 0;
        Assert.Equal("the record counts no CPU", InfoReport.Inconsistency(r, HypercallResult.Ok(r.AbiVersion, r.FramesTotal, r.FramesFree)));
    }

    [Fact]
    public void AnotherMajorAbiIsRefusedAndANewerMinorIsNot()
    {
        InfoRecord r = Sample();
        r.AbiVersion = AbiVersion.Current + 1;
        Assert.Null(InfoReport.Incompatibility(r));
        r.AbiVersion = AbiVersion.Current + (1UL << 16);
        Assert.Equal($"Redoubt speaks ABI {(AbiVersion.Current >> 16) + 1}.0, this redoubtctl ABI {AbiVersion.Current >> 16}.0: the major versions differ",
            InfoReport.Incompatibility(r));
    }
}
