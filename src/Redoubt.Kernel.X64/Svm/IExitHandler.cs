using Redoubt.Abi;

namespace Redoubt.Kernel.X64.Svm;

// A handler of a VM's exit messages inside the kernel. It gets port-I/O messages in the ABI's
// layout before they would end the run; true means it answered (for a read: in message.Data)
// and the vCPU goes on, false ends the run with the message in the caller's buffer.
internal interface IExitHandler
{
    bool Handle(ref ExitMessage message);
}
