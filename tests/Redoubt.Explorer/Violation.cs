using System.Collections.Generic;

namespace Redoubt.Explorer;

// What went wrong and the call sequence (from a fresh TinyMachine) that gets there; no shorter
// sequence over the alphabet fails, since the search is breadth first.
public sealed record Violation(string Message, IReadOnlyList<Call> Sequence);
