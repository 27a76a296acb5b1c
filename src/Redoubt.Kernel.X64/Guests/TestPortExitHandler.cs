using Redoubt.Abi;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Guests;

// The test-port handler inside the run: answers every port access at once and ends the run
// only when the guest reports Done.
internal struct TestPortExitHandler : IExitHandler
{
    private readonly TestPortHandler _handler;

    public TestPortExitHandler(TestPortHandler handler) { _handler = handler; }

    public bool Handle(ref ExitMessage message)
    {
        _handler.OnPortIo(ref message);
        return !_handler.Done;
    }
}
