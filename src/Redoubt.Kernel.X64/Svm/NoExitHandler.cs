using Redoubt.Abi;

namespace Redoubt.Kernel.X64.Svm;

// No handler in the kernel: every message ends the run in the caller's buffer (Dom0, a VMM).
internal struct NoExitHandler : IExitHandler
{
    public bool Handle(ref ExitMessage message) => false;
}
