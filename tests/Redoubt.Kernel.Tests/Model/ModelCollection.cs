using Xunit;

namespace Redoubt.Kernel.Tests.Model;

// The model-based test and the explorer test each use every core: run them one after the other.
[CollectionDefinition(Name)]
public sealed class ModelCollection
{
    public const string Name = "Model (uses every core)";
}
