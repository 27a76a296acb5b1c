using System.Runtime.CompilerServices;
using Redoubt.Abi;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Guests;

// The in-kernel handler of the test-guest kit's port protocol (TestPort): what a VMM would do
// with the same ExitMessages. It logs each guest's console lines, values and exceptions as
// "vm N: ..." and records when a guest is done. Reads of any port return all ones (no device).
internal sealed class TestPortHandler
{
    private const int LineCapacity = 160;

    private readonly byte[] _line = new byte[LineCapacity];
    private int _lineLength;

    public TestPortHandler(ushort domain) { Domain = domain; }

    public ushort Domain { get; }

    public bool Done { get; private set; }

    public uint DoneStatus { get; private set; }

    public uint LastException { get; private set; }

    public ulong Echoes { get; private set; }

    public ulong LoopsDone { get; private set; }

    // Answers one PortIo message: a read gets all ones in Data (no device answers). The
    // benchmark's ports and the console come first and log nothing themselves: this runs
    // inside the exit path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnPortIo(ref ExitMessage message)
    {
        if (message.IsWrite == 0)
        {
            message.Data = 0xFFFF_FFFF;
            return;
        }
        switch ((TestPort)message.Qualification)
        {
            case TestPort.Echo:
                Echoes++;
                break;
            case TestPort.LoopDone:
                // A benchmark loop ends with this and HLT: it is done, and passed.
                LoopsDone++;
                Done = true;
                break;
            case TestPort.Console:
                Append((byte)message.Data);
                break;
            default:
                Report((ushort)message.Qualification, (uint)message.Data);
                break;
        }
    }

    private void Report(ushort port, uint value)
    {
        switch ((TestPort)port)
        {
            case TestPort.Value:
                Log.Info("guest"u8).Text("vm "u8).Decimal(Domain).Text(": value "u8).Hex(value).End();
                break;
            case TestPort.Exception:
                LastException = value;
                Log.Info("guest"u8).Text("vm "u8).Decimal(Domain).Text(": exception vector "u8).Decimal(value).End();
                break;
            case TestPort.Done:
                FlushLine();
                Done = true;
                DoneStatus = value;
                Log.Info("guest"u8).Text("vm "u8).Decimal(Domain).Text(": done, status "u8).Hex(value).Text(value == 0 ? " (passed)"u8 : " (failed)"u8).End();
                break;
            default:
                Log.Warn("guest"u8).Text("vm "u8).Decimal(Domain).Text(": write of "u8).Hex(value).Text(" to port "u8).Hex(port)
                    .Text(", which has no device"u8).End();
                break;
        }
    }

    private void Append(byte character)
    {
        if (character == (byte)'\n')
        {
            FlushLine();
            return;
        }
        // Only printable ASCII reaches Redoubt's console.
        _line[_lineLength++] = character >= 0x20 && character < 0x7F ? character : (byte)'?';
        if (_lineLength == LineCapacity)
            FlushLine();
    }

    private void FlushLine()
    {
        if (_lineLength == 0)
            return;
        Log.Info("guest"u8).Text("vm "u8).Decimal(Domain).Text(": "u8).Text(new System.ReadOnlySpan<byte>(_line, 0, _lineLength)).End();
        _lineLength = 0;
    }
}
