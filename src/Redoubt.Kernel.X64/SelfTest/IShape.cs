namespace Redoubt.Kernel.X64.SelfTest;

// Probe types for the runtime self-check: interface calls through an array cannot be
// devirtualized, so they exercise the dispatch resolver; Describe is a default method.
internal interface IShape
{
    ulong Area();

    ulong Describe() => Area() + 1000;
}
