using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Collections;

/// <summary>Scenarios that end in a panic raised by a CPU exception. Collections run in parallel with each other; the tests inside one run in order.</summary>
[CollectionDefinition(Name)]
public sealed class TrapPanicCollection : ICollectionFixture<RedoubtImages>
{
    public const string Name = "trap panics";
}
