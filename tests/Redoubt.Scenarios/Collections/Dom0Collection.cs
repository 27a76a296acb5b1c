using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Collections;

/// <summary>Scenarios that boot Debian's Linux as Dom0 under Redoubt.</summary>
[CollectionDefinition(Name)]
public sealed class Dom0Collection : ICollectionFixture<RedoubtImages>
{
    public const string Name = "dom0 scenarios";
}
