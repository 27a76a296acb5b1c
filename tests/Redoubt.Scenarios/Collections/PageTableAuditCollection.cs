using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Collections;

/// <summary>The W^X audit of the kernel's page tables, positive and negative. Collections run in parallel with each other; the tests inside one run in order.</summary>
[CollectionDefinition(Name)]
public sealed class PageTableAuditCollection : ICollectionFixture<RedoubtImages>
{
    public const string Name = "page-table audit";
}
