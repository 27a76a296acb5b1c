using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Collections;

/// <summary>The boot scenario: banner, memory map, paging, normal end. Collections run in parallel with each other; the tests inside one run in order.</summary>
[CollectionDefinition(Name)]
public sealed class BootCollection : ICollectionFixture<RedoubtImages>
{
    public const string Name = "boot scenario";
}
