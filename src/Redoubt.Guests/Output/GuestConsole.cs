using System;

namespace Redoubt.Guests.Output;

// The guest's console: text lines on TestPort.Console, one OUT per byte, which the handler logs
// as "vm N: <line>". Usage: GuestConsole.Line("count: "u8).Decimal(k).End();
internal static class GuestConsole
{
    public static ConsoleLine Line(ReadOnlySpan<byte> text) => default(ConsoleLine).Text(text);

    public static void WriteLine(ReadOnlySpan<byte> text) => Line(text).End();
}
