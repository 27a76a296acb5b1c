using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Collections;

/// <summary>Scenarios that run guests under SVM.</summary>
[CollectionDefinition(Name)]
public sealed class SvmCollection : ICollectionFixture<RedoubtImages>
{
    public const string Name = "svm scenarios";
}
