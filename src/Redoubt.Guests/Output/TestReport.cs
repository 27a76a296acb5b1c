using Redoubt.Abi;
using Redoubt.Guests.Hardware;

namespace Redoubt.Guests.Output;

// Values for the handler, which logs each in hexadecimal: for tests that check a number
// rather than parse a console line.
internal static class TestReport
{
    public static void Value(uint value) => PortIo.OutDword(TestPort.Value, value);
}
