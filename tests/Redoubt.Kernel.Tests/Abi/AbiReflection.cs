using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Redoubt.Kernel.Tests.Abi;

// What the ABI definition says about a type, read by reflection: the layout tests and the
// document test share it so that both judge the code the same way.
internal static class AbiReflection
{
    // The ABI's structures, which docs/spec/abi.md must lay out (each has a Size constant).
    public static readonly Type[] Structures =
    [
        typeof(Redoubt.Abi.InfoRecord),
        typeof(Redoubt.Abi.VcpuState),
        typeof(Redoubt.Abi.ExitMessage),
        typeof(Redoubt.Abi.CvmReport),
        typeof(Redoubt.Abi.Digest384),
        typeof(Redoubt.Abi.ReportData),
    ];

    // The ABI's enumerations, which docs/spec/abi.md must list member by member.
    public static readonly Type[] Enums =
    [
        typeof(Redoubt.Abi.Hypercall),
        typeof(Redoubt.Abi.HypercallStatus),
        typeof(Redoubt.Abi.VmRights),
        typeof(Redoubt.Abi.VcpuRights),
        typeof(Redoubt.Abi.ObjectType),
        typeof(Redoubt.Abi.ExitReason),
        typeof(Redoubt.Abi.ReportPolicy),
        typeof(Redoubt.Abi.PageMeasureFlags),
        typeof(Redoubt.Abi.TestPort),
        typeof(Redoubt.Abi.TestProgram),
    ];

    // Size in memory as the runtime lays the type out (no marshalling involved).
    public static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    // The declared Size constant of an ABI structure.
    public static int SizeConstant(Type type) =>
        (int)type.GetField("Size", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!;

    public static bool IsInlineArray(Type type) => type.GetCustomAttribute<InlineArrayAttribute>() is not null;

    // Instance fields in offset order, with offset and size. An inline array is one field
    // "bytes" of type u8[Size].
    public static List<(string Name, int Offset, int Size, string DocType)> Fields(Type type)
    {
        if (IsInlineArray(type))
            return [("bytes", 0, SizeOf(type), $"u8[{SizeOf(type)}]")];
        return type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(f => (f.Name, (int)Marshal.OffsetOf(type, f.Name), SizeOf(f.FieldType), DocTypeName(f.FieldType)))
            .OrderBy(f => f.Item2)
            .ToList();
    }

    // How docs/spec/abi.md names a field's type: u8..u64 for integers, the type's own name for
    // ABI enums and structures.
    public static string DocTypeName(Type type)
    {
        if (type.IsEnum || IsInlineArray(type))
            return type.Name;
        return IntegerName(type);
    }

    public static string IntegerName(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Byte => "u8",
        TypeCode.UInt16 => "u16",
        TypeCode.UInt32 => "u32",
        TypeCode.UInt64 => "u64",
        _ => throw new ArgumentException($"{type.Name} is not an unsigned integer type of the ABI"),
    };

    // Members of an enum, name -> value as an unsigned 64-bit number.
    public static Dictionary<string, ulong> Members(Type enumType) =>
        Enum.GetNames(enumType).ToDictionary(name => name, name => Convert.ToUInt64(Enum.Parse(enumType, name)));
}
