using Redoubt.Explorer;

namespace Redoubt.Kernel.Tests.Model;

// One step of a model-based test: a hypercall, or a write by Dom0 to its own memory.
public sealed record ModelStep(Call? Call, Dom0Write? Write)
{
    public override string ToString() => Call?.ToString() ?? Write?.ToString() ?? "nothing";
}
