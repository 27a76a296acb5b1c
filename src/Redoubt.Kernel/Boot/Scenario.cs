namespace Redoubt.Kernel.Boot;

// Self-test scenarios selected by "redoubt.scenario=NAME" (docs/console-protocol.md).
public enum Scenario
{
    Unknown,
    Boot,
    IndexOutOfRange,
    WriteReadOnly,
    NullDereference,
    DivideByZero,
    Overflow,
    InvalidCast,
    Throw,
    StackOverflow,
    WxAuditNegative,
    KernelCore,
    VmHello,
    VmOutsideMemory,
    VmTripleFault,
    VmSecret,
    VmVector,
    VmSpin,
    VmGarbageHypercall,
    VmManyExits,
    VmMsr,
    VmUserHypercall,
    VmLeftovers,
    BenchExits,
    Dom0,
}
