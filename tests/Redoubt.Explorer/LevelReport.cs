using System;

namespace Redoubt.Explorer;

// One breadth-first level: the states first reached by sequences of exactly Depth calls.
public sealed record LevelReport(int Depth, int NewStates, int TotalStates, long Transitions, TimeSpan Elapsed);
