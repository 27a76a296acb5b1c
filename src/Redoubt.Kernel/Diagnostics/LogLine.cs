using System;
using System.Diagnostics.CodeAnalysis;

namespace Redoubt.Kernel.Diagnostics;

// One structured log line, "[LEVEL] subsystem: message", built in place and written by End().
// Text past the line's capacity is cut (marked with "...") rather than lost silently.
// Format contract: docs/console-protocol.md.
public ref struct LogLine<TSink> where TSink : ILogSink
{
    private LineBuffer _buffer;
    private int _length;
    private bool _truncated;

    public LogLine(LogLevel level, ReadOnlySpan<byte> subsystem)
    {
        _buffer = default;
        _length = 0;
        _truncated = false;
        Text("["u8).Text(LevelName(level)).Text("] "u8).Text(subsystem).Text(": "u8);
    }

    public static ReadOnlySpan<byte> LevelName(LogLevel level) => level switch
    {
        LogLevel.Debug => "DEBUG"u8,
        LogLevel.Info => "INFO"u8,
        LogLevel.Warn => "WARN"u8,
        LogLevel.Error => "ERROR"u8,
        _ => "PANIC"u8,
    };

    [UnscopedRef]
    public ref LogLine<TSink> Text(scoped ReadOnlySpan<byte> text)
    {
        Span<byte> buffer = _buffer;
        foreach (byte b in text)
        {
            if (_length >= LineBuffer.Capacity - 4)
            {
                _truncated = true;
                break;
            }
            buffer[_length++] = b;
        }
        return ref this;
    }

    [UnscopedRef]
    public ref LogLine<TSink> Text(string? text)
    {
        Span<byte> one = stackalloc byte[1];
        if (text is null)
            return ref Text("(null)"u8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            one[0] = c is >= ' ' and <= '~' ? (byte)c : (byte)'?';
            Text(one);
        }
        return ref this;
    }

    // 0x followed by 16 hex digits: the format of every address.
    [UnscopedRef]
    public ref LogLine<TSink> Hex(ulong value)
    {
        Span<byte> digits = stackalloc byte[18];
        return ref Text(NumberFormat.Hex(value, digits));
    }

    [UnscopedRef]
    public ref LogLine<TSink> Decimal(ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        return ref Text(NumberFormat.Decimal(value, digits));
    }

    [UnscopedRef]
    public ref LogLine<TSink> Size(ulong bytes)
    {
        Span<byte> digits = stackalloc byte[24];
        return ref Text(NumberFormat.Size(bytes, digits));
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> Current
    {
        get
        {
            Span<byte> buffer = _buffer;
            return buffer.Slice(0, _length);
        }
    }

    public void End()
    {
        Span<byte> buffer = _buffer;
        if (_truncated)
        {
            buffer[_length++] = (byte)'.';
            buffer[_length++] = (byte)'.';
            buffer[_length++] = (byte)'.';
        }
        TSink.WriteLine(buffer.Slice(0, _length));
    }
}
