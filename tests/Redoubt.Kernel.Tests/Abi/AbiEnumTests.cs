using System;
using System.Linq;
using Redoubt.Abi;
using Xunit;

namespace Redoubt.Kernel.Tests.Abi;

// Pins every member of every ABI enumeration: its name, value and underlying type, and that
// there are no others. Values cross the boundary as raw numbers; renumbering one is an ABI break.
public sealed class AbiEnumTests
{
    [Fact]
    public void Hypercall_numbers_are_pinned() => AssertEnum<Hypercall>(typeof(ulong),
        ("Info", 0x00), ("VmCreate", 0x10), ("VmDestroy", 0x11), ("MemDonate", 0x12), ("MemReclaim", 0x13),
        ("VmLoad", 0x14), ("VmFinalize", 0x15), ("VcpuCreate", 0x16), ("VcpuSetState", 0x17), ("MemShare", 0x18),
        ("MemUnshare", 0x19), ("VcpuRun", 0x1A), ("VmReport", 0x1B), ("CapDerive", 0x20), ("CapRevoke", 0x21));

    [Fact]
    public void HypercallStatus_values_are_pinned() => AssertEnum<HypercallStatus>(typeof(ulong),
        ("Success", 0), ("UnknownHypercall", 1), ("InvalidCapability", 2), ("WrongObjectType", 3),
        ("InsufficientRights", 4), ("InvalidArgument", 5), ("InvalidState", 6), ("NotOwned", 7),
        ("AlreadyMapped", 8), ("NotMapped", 9), ("OutOfResources", 10), ("InvalidBuffer", 11), ("NotImplemented", 12));

    [Fact]
    public void VmRights_bits_are_pinned() => AssertEnum<VmRights>(typeof(ulong),
        ("None", 0), ("Destroy", 0x01), ("Donate", 0x02), ("Reclaim", 0x04), ("Load", 0x08), ("Finalize", 0x10),
        ("CreateVcpu", 0x20), ("Share", 0x40), ("Measure", 0x80), ("Owner", 0xBF), ("All", 0xFF));

    [Fact]
    public void VcpuRights_bits_are_pinned() => AssertEnum<VcpuRights>(typeof(ulong),
        ("None", 0), ("SetState", 0x01), ("Run", 0x02), ("All", 0x03));

    [Fact]
    public void ObjectType_values_are_pinned() => AssertEnum<ObjectType>(typeof(byte),
        ("None", 0), ("Vm", 1), ("Vcpu", 2));

    [Fact]
    public void ExitReason_values_are_pinned() => AssertEnum<ExitReason>(typeof(uint),
        ("None", 0), ("PortIo", 1), ("Mmio", 2), ("Cpuid", 3), ("Msr", 4), ("Halt", 5), ("Interrupted", 6),
        ("Shutdown", 7), ("NestedPageFault", 8));

    [Fact]
    public void ReportPolicy_bits_are_pinned() => AssertEnum<ReportPolicy>(typeof(uint),
        ("None", 0), ("Finalized", 0x01), ("Debug", 0x02), ("MemoryEncryption", 0x04));

    [Fact]
    public void PageMeasureFlags_bits_are_pinned() => AssertEnum<PageMeasureFlags>(typeof(ulong),
        ("None", 0), ("Executable", 0x01), ("ReadOnly", 0x02), ("All", 0x03));

    // Every enumeration the tests above pin is one the document test checks, and vice versa.
    [Fact]
    public void Every_pinned_enum_is_an_ABI_enum()
    {
        var abiEnums = typeof(Hypercall).Assembly.GetTypes()
            .Where(t => t.IsEnum && t.IsPublic && t.Namespace == typeof(Hypercall).Namespace)
            .Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(abiEnums, AbiReflection.Enums.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    private static void AssertEnum<TEnum>(Type underlying, params (string Name, ulong Value)[] expected) where TEnum : struct, Enum
    {
        Assert.Equal(underlying, Enum.GetUnderlyingType(typeof(TEnum)));
        var actual = AbiReflection.Members(typeof(TEnum));
        Assert.Equal(expected.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal), actual.Keys.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var (name, value) in expected)
            Assert.True(actual[name] == value, $"{typeof(TEnum).Name}.{name} = 0x{actual[name]:X}, pinned at 0x{value:X}");
    }
}
