using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Redoubt.Abi;
using Xunit;

namespace Redoubt.Kernel.Tests.Abi;

// docs/spec/abi.md cannot drift from src/Redoubt.Abi: every table under a "### Name (...)"
// heading must list exactly what the code defines (enum members and values; structure fields
// with offset, size and type; total sizes; register order), every ABI type must have its table,
// and every hypercall its "#### 0xNN Name" section.
public sealed class AbiDocumentTests
{
    private static readonly Lazy<AbiDocument> s_document = new(() => new AbiDocument(Path.Combine(RepoRoot.Find(), "docs", "spec", "abi.md")));

    private static AbiDocument Document => s_document.Value;

    public static TheoryData<string> EnumNames => new(AbiReflection.Enums.Select(t => t.Name));

    public static TheoryData<string> StructureNames => new(AbiReflection.Structures.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(EnumNames))]
    public void Enum_table_lists_exactly_the_members_and_values_of_the_code(string name)
    {
        Type type = AbiReflection.Enums.Single(t => t.Name == name);
        AbiDocumentSection section = SectionOf(name);
        Assert.True(section.Qualifier == AbiReflection.IntegerName(Enum.GetUnderlyingType(type)),
            $"abi.md:{section.Line}: {name} is ({section.Qualifier}), the code's underlying type is {AbiReflection.IntegerName(Enum.GetUnderlyingType(type))}");
        AssertHeader(section, "Value", "Name", "Meaning");

        var documented = new Dictionary<string, ulong>();
        foreach (List<string> row in section.Rows)
            Assert.True(documented.TryAdd(row[1], AbiDocument.ParseNumber(row[0])), $"abi.md:{section.Line}: {name}.{row[1]} is listed twice");
        Dictionary<string, ulong> code = AbiReflection.Members(type);

        var missing = code.Keys.Except(documented.Keys).ToList();
        var unknown = documented.Keys.Except(code.Keys).ToList();
        Assert.True(missing.Count == 0, $"abi.md:{section.Line}: {name} lacks {string.Join(", ", missing)}");
        Assert.True(unknown.Count == 0, $"abi.md:{section.Line}: {name} has no member {string.Join(", ", unknown)}");
        foreach (var (member, value) in code)
            Assert.True(documented[member] == value, $"abi.md:{section.Line}: {name}.{member} is 0x{documented[member]:X} in the document, 0x{value:X} in the code");
    }

    [Theory]
    [MemberData(nameof(StructureNames))]
    public void Structure_table_gives_the_size_and_every_field_of_the_code(string name)
    {
        Type type = AbiReflection.Structures.Single(t => t.Name == name);
        AbiDocumentSection section = SectionOf(name);
        int size = AbiReflection.SizeOf(type);
        Assert.True(section.Qualifier == $"{size} bytes", $"abi.md:{section.Line}: {name} is ({section.Qualifier}), the code lays it out in {size} bytes");
        AssertHeader(section, "Offset", "Size", "Field", "Type", "Meaning");

        var documented = section.Rows.Select(r => (Name: r[2], Offset: (int)AbiDocument.ParseNumber(r[0]), Size: (int)AbiDocument.ParseNumber(r[1]), Type: r[3])).ToList();
        var code = AbiReflection.Fields(type);
        Assert.True(documented.Select(f => f.Name).SequenceEqual(code.Select(f => f.Name)),
            $"abi.md:{section.Line}: {name} lists fields [{string.Join(", ", documented.Select(f => f.Name))}], the code has [{string.Join(", ", code.Select(f => f.Name))}]");
        foreach (var (field, (_, offset, fieldSize, docType)) in documented.Zip(code))
        {
            Assert.True(field.Offset == offset, $"abi.md:{section.Line}: {name}.{field.Name} at offset {field.Offset} in the document, {offset} in the code");
            Assert.True(field.Size == fieldSize, $"abi.md:{section.Line}: {name}.{field.Name} is {field.Size} bytes in the document, {fieldSize} in the code");
            Assert.True(field.Type == docType, $"abi.md:{section.Line}: {name}.{field.Name} has type {field.Type} in the document, {docType} in the code");
        }
    }

    [Theory]
    [InlineData(typeof(HypercallRegisters))]
    [InlineData(typeof(HypercallResult))]
    public void Register_tables_follow_the_field_order_of_the_code(Type type)
    {
        AbiDocumentSection section = SectionOf(type.Name);
        Assert.Equal("registers", section.Qualifier);
        AssertHeader(section, "Register", "Field", "Meaning");
        Assert.Equal(AbiReflection.Fields(type).Select(f => f.Name), section.Rows.Select(r => r[1]));
        Assert.Equal(section.Rows.Count, section.Rows.Select(r => r[0]).Distinct().Count());
    }

    [Fact]
    public void Every_hypercall_has_one_reference_section_with_its_number()
    {
        Dictionary<string, ulong> code = AbiReflection.Members(typeof(Hypercall));
        foreach (var (name, number) in code)
        {
            var headings = Document.CallHeadings.Where(h => h.Name == name).ToList();
            Assert.True(headings.Count == 1, $"abi.md has {headings.Count} '#### 0x{number:X2} {name}' sections, wants 1");
            Assert.True(headings[0].Number == number, $"abi.md:{headings[0].Line}: {name} is 0x{headings[0].Number:X} in its heading, 0x{number:X} in the code");
        }
        var unknown = Document.CallHeadings.Where(h => !code.ContainsKey(h.Name)).Select(h => $"{h.Name} (line {h.Line})").ToList();
        Assert.True(unknown.Count == 0, $"abi.md documents hypercalls the code lacks: {string.Join(", ", unknown)}");
    }

    // Every value type of Redoubt.Abi has a table, and every table names an ABI type.
    [Fact]
    public void Document_and_definition_name_the_same_types()
    {
        var abiTypes = typeof(Hypercall).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.IsValueType && t.Namespace == typeof(Hypercall).Namespace)
            .Select(t => t.Name).ToHashSet();
        var documented = Document.Sections.Select(s => s.Name).ToList();
        var missing = abiTypes.Except(documented).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var unknown = documented.Except(abiTypes).ToList();
        Assert.True(missing.Count == 0, $"abi.md has no table for {string.Join(", ", missing)}");
        Assert.True(unknown.Count == 0, $"abi.md has tables for types the ABI lacks: {string.Join(", ", unknown)}");
        Assert.True(abiTypes.SetEquals(AbiReflection.Enums.Concat(AbiReflection.Structures).Select(t => t.Name)
            .Concat([nameof(HypercallRegisters), nameof(HypercallResult)])), "AbiReflection's type lists miss an ABI type");
    }

    private static AbiDocumentSection SectionOf(string name)
    {
        var sections = Document.Sections.Where(s => s.Name == name).ToList();
        Assert.True(sections.Count == 1, $"{Document.Path} has {sections.Count} '### {name} (...)' sections, wants 1");
        Assert.True(sections[0].Rows.Count > 0, $"abi.md:{sections[0].Line}: '### {name}' has no table");
        return sections[0];
    }

    private static void AssertHeader(AbiDocumentSection section, params string[] columns)
    {
        Assert.True(section.Header.SequenceEqual(columns),
            $"abi.md:{section.Line}: {section.Name}'s table has columns [{string.Join(", ", section.Header)}], wants [{string.Join(", ", columns)}]");
        foreach (List<string> row in section.Rows)
            Assert.True(row.Count == columns.Length, $"abi.md:{section.Line}: a row of {section.Name} has {row.Count} cells, wants {columns.Length}: {string.Join(" | ", row)}");
    }
}
