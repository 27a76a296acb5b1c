namespace Redoubt.Kernel.Objects;

public enum VmState : byte
{
    // The pool slot is unused.
    Free,
    // Created: memory may be donated, the image loaded, vCPUs created and set up.
    Building,
    // The launch measurement is sealed: no more loads, vCPUs or state changes from outside.
    Finalized,
}
