using System;
using System.Collections.Generic;

namespace Redoubt.Explorer;

public sealed record ExplorationReport(int Depth, int States, long Transitions, TimeSpan Elapsed,
    IReadOnlyList<LevelReport> Levels, Violation? Violation);
