namespace Redoubt.Abi;

// The port-I/O protocol of the test-guest kit (src/Redoubt.Guests): how a test guest reports to
// its handler. Every access is an OUT of the size given; the handler logs it as
// "vm N: ..." on Redoubt's console, where the scenario tests read it.
public enum TestPort : ushort
{
    // Absorbed by the kernel without a message (the POST-code port, also Linux's I/O delay):
    // the cheapest exit there is, the null exit of `redoubt bench exits`.
    PostCode = 0x0080,
    // OUT byte: one character of the guest's console line; '\n' ends the line.
    Console = 0x0500,
    // OUT dword: a value the guest reports, logged in hexadecimal.
    Value = 0x0504,
    // OUT dword: the program finished; 0 = passed, anything else is its failure code.
    Done = 0x0508,
    // OUT dword: the vector of an exception the guest took; it then reports RIP and stops.
    Exception = 0x050C,
    // OUT byte: a port the handler answers at once (the port-I/O round trip of the benchmark).
    Echo = 0x0010,
    // OUT byte: a benchmark loop finished (the loops of `redoubt bench exits` end with it).
    LoopDone = 0x0011,
}
