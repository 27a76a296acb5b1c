using System.Collections.Generic;

namespace Redoubt.Kernel.Tests.Abi;

// One "### Name (qualifier)" section of docs/spec/abi.md: its first table, header and rows,
// cells trimmed and without backticks.
internal sealed record AbiDocumentSection(string Name, string Qualifier, int Line, List<string> Header, List<List<string>> Rows);
