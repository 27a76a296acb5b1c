using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Redoubt.Abi;
using Xunit;

namespace Redoubt.Kernel.Tests.Abi;

// Pins the layout of every ABI structure: total size (as the runtime lays it out, as the
// marshaller sees it, and as its Size constant says), and every field's offset and size. A
// change here is an ABI break: Dom0 tools, VMMs and verifiers written in other languages read
// these bytes. The numbers are written out, not derived, on purpose.
public sealed class AbiLayoutTests
{
    [Fact]
    public void InfoRecord_layout_is_pinned() => AssertLayout<InfoRecord>(InfoRecord.Size, 96,
        ("AbiVersion", 0, 8), ("KernelVersion", 8, 8), ("CpuCount", 16, 8), ("FramesTotal", 24, 8),
        ("FramesFree", 32, 8), ("FramesHypervisor", 40, 8), ("FramesDom0", 48, 8), ("FramesGuestPrivate", 56, 8),
        ("FramesGuestShared", 64, 8), ("FramesPageTable", 72, 8), ("VmCount", 80, 8), ("VcpuCount", 88, 8));

    [Fact]
    public void VcpuState_layout_is_pinned() => AssertLayout<VcpuState>(VcpuState.Size, 176,
        ("Rax", 0, 8), ("Rbx", 8, 8), ("Rcx", 16, 8), ("Rdx", 24, 8), ("Rsi", 32, 8), ("Rdi", 40, 8),
        ("Rbp", 48, 8), ("Rsp", 56, 8), ("R8", 64, 8), ("R9", 72, 8), ("R10", 80, 8), ("R11", 88, 8),
        ("R12", 96, 8), ("R13", 104, 8), ("R14", 112, 8), ("R15", 120, 8), ("Rip", 128, 8), ("Rflags", 136, 8),
        ("Cr0", 144, 8), ("Cr3", 152, 8), ("Cr4", 160, 8), ("Efer", 168, 8));

    [Fact]
    public void ExitMessage_layout_is_pinned() => AssertLayout<ExitMessage>(ExitMessage.Size, 64,
        ("Reason", 0, 4), ("VcpuIndex", 4, 4), ("Rip", 8, 8), ("InstructionLength", 16, 4), ("AccessSize", 20, 4),
        ("GuestPhysicalAddress", 24, 8), ("Qualification", 32, 8), ("Data", 40, 8), ("IsWrite", 48, 4),
        ("Reserved", 52, 4), ("NextTimerDeadline", 56, 8));

    [Fact]
    public void CvmReport_layout_is_pinned() => AssertLayout<CvmReport>(CvmReport.Size, 192,
        ("Version", 0, 4), ("Policy", 4, 4), ("KernelVersion", 8, 8), ("KernelSecurityVersion", 16, 8),
        ("VcpuCount", 24, 8), ("LaunchMeasurement", 32, 48), ("VmmMeasurement", 80, 48), ("ReportData", 128, 64));

    [Fact]
    public void Digest384_is_48_inline_bytes() => AssertInlineBytes<Digest384>(Digest384.Size, 48);

    [Fact]
    public void ReportData_is_64_inline_bytes() => AssertInlineBytes<ReportData>(ReportData.Size, 64);

    // Register views, not memory: pinned so the register order of Hypercall's comment holds.
    [Fact]
    public void HypercallRegisters_layout_is_pinned() => AssertLayout<HypercallRegisters>(56, 56,
        ("Number", 0, 8), ("Arg0", 8, 8), ("Arg1", 16, 8), ("Arg2", 24, 8), ("Arg3", 32, 8), ("Arg4", 40, 8), ("Arg5", 48, 8));

    [Fact]
    public void HypercallResult_layout_is_pinned() => AssertLayout<HypercallResult>(32, 32,
        ("Status", 0, 8), ("Result0", 8, 8), ("Result1", 16, 8), ("Result2", 24, 8));

    [Fact]
    public void Versions_are_pinned()
    {
        Assert.Equal(0x0001_0000UL, AbiVersion.Current);
        Assert.Equal(1U, CvmReport.CurrentVersion);
    }

    private static void AssertLayout<T>(int sizeConstant, int expectedSize, params (string Name, int Offset, int Size)[] expected)
        where T : struct
    {
        string type = typeof(T).Name;
        Assert.True(Unsafe.SizeOf<T>() == expectedSize, $"{type}: laid out in {Unsafe.SizeOf<T>()} bytes, pinned at {expectedSize}");
        Assert.True(Marshal.SizeOf<T>() == expectedSize, $"{type}: marshalled size {Marshal.SizeOf<T>()}, pinned at {expectedSize}");
        Assert.True(sizeConstant == expectedSize, $"{type}.Size is {sizeConstant}, but the structure is {expectedSize} bytes");

        var actual = AbiReflection.Fields(typeof(T));
        Assert.Equal(expected.Select(f => f.Name), actual.Select(f => f.Name));
        foreach (var (name, offset, size) in expected)
        {
            Assert.True((int)Marshal.OffsetOf<T>(name) == offset, $"{type}.{name}: offset {Marshal.OffsetOf<T>(name)}, pinned at {offset}");
            int actualSize = actual.Single(f => f.Name == name).Size;
            Assert.True(actualSize == size, $"{type}.{name}: {actualSize} bytes, pinned at {size}");
        }
    }

    private static void AssertInlineBytes<T>(int sizeConstant, int expectedSize) where T : struct
    {
        Assert.Equal(expectedSize, sizeConstant);
        Assert.Equal(expectedSize, Unsafe.SizeOf<T>());
        Assert.Equal(expectedSize, Marshal.SizeOf<T>());
        Assert.Equal(expectedSize, typeof(T).GetCustomAttributes(typeof(InlineArrayAttribute), false).Cast<InlineArrayAttribute>().Single().Length);
        var element = Assert.Single(typeof(T).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic));
        Assert.Equal(typeof(byte), element.FieldType);
    }
}
