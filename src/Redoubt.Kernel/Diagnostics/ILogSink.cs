using System;

namespace Redoubt.Kernel.Diagnostics;

// Where finished log lines go: the serial console in the image, a buffer in host tests.
// Static members: the sink is chosen at compile time, so no interface dispatch happens.
public interface ILogSink
{
    static abstract void WriteLine(ReadOnlySpan<byte> line);
}
