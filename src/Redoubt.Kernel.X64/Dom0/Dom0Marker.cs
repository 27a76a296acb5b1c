using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Diagnostics;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Dom0;

// The devmem self-test's marker (redoubt.marker=1 on Redoubt's command line): Redoubt writes a
// 16-byte pattern over part of its own unused memory, logs the exact range and appends it to
// Dom0's command line (redoubt.marker_range=START-END), so that Dom0's test reads exactly that
// range. Every write Dom0 aims at it is refused, and Redoubt then checks the page itself: the
// marker must still be whole.
// Safe: the range is frames of Redoubt's own table pool, which the kernel maps writable.
internal static unsafe class Dom0Marker
{
    private static AddressRange s_range;
    private static ReadOnlySpan<byte> Pattern => "<<REDOUBT-KEPT>>"u8;

    public static bool Active => s_range.Length != 0;

    // Writes the marker when Redoubt's command line asks for it; returns Dom0's appended command
    // line, with redoubt.marker_range added, in buffer (or the appended line unchanged).
    public static ReadOnlySpan<byte> Place(ReadOnlySpan<byte> commandLine, ReadOnlySpan<byte> appended, Span<byte> buffer)
    {
        ReadOnlySpan<byte> asked = BootCommandLine.Value(commandLine, "redoubt.marker"u8);
        if (asked.Length != 1 || asked[0] != (byte)'1')
            return appended;
        s_range = TableFramePool.FillUnusedUpperHalf(Pattern);
        Log.Info("dom0"u8).Text("marker written over "u8).Size(s_range.Length).Text(" of Redoubt's unused table frames at "u8)
            .Hex(s_range.Start).Text("-"u8).Hex(s_range.End - 1).End();
        Span<byte> digits = stackalloc byte[18];
        if (appended.Length + 64 > buffer.Length)
            return appended;
        int length = 0;
        Append(buffer, ref length, appended);
        Append(buffer, ref length, appended.IsEmpty ? "redoubt.marker_range="u8 : " redoubt.marker_range="u8);
        Append(buffer, ref length, NumberFormat.Hex(s_range.Start, digits));
        Append(buffer, ref length, "-"u8);
        Append(buffer, ref length, NumberFormat.Hex(s_range.End, digits));
        return buffer.Slice(0, length);
    }

    // After a refused write of Dom0's at this physical address: when it was aimed at the marker,
    // Redoubt reads the page back and says whether the marker is whole.
    public static void CheckAfterRefusedWrite(ulong physical)
    {
        if (!Active || physical < s_range.Start || physical >= s_range.End)
            return;
        ulong page = physical & ~4095UL;
        var bytes = new ReadOnlySpan<byte>((void*)page, 4096);
        bool whole = true;
        for (int at = 0; at + Pattern.Length <= bytes.Length; at += Pattern.Length)
            whole &= ByteSpans.Same(bytes.Slice(at, Pattern.Length), Pattern);
        (whole ? Log.Info("dom0"u8) : Log.Error("dom0"u8)).Text("marker page "u8).Hex(page)
            .Text(whole ? " still whole after Dom0's refused write"u8 : " CHANGED by Dom0's write"u8).End();
    }

    private static void Append(Span<byte> buffer, ref int length, ReadOnlySpan<byte> text)
    {
        text.CopyTo(buffer.Slice(length));
        length += text.Length;
    }
}
