using System;

namespace Redoubt.Kernel.Boot;

// Dom0's command line: the boot archive's dom0/cmdline, then what follows " -- " on Redoubt's
// own command line (so a boot entry can pass options to Dom0 without rebuilding the archive).
public static class Dom0CommandLine
{
    // What follows the first "--" word of Redoubt's command line, leading spaces dropped; empty
    // when there is none.
    public static ReadOnlySpan<byte> Appended(ReadOnlySpan<byte> commandLine)
    {
        for (int i = 0; i + 1 < commandLine.Length; i++)
        {
            if (commandLine[i] == (byte)'-' && commandLine[i + 1] == (byte)'-' && (i == 0 || commandLine[i - 1] == (byte)' ')
                && (i + 2 == commandLine.Length || commandLine[i + 2] == (byte)' '))
            {
                int start = i + 2;
                while (start < commandLine.Length && commandLine[start] == (byte)' ')
                    start++;
                return commandLine.Slice(start);
            }
        }
        return ReadOnlySpan<byte>.Empty;
    }

    // Writes the archive's command line (trailing white space and NULs dropped), a space, the
    // appended part, and a terminating zero into output; returns the length without the zero,
    // or -1 (output untouched) when it does not fit.
    public static int Compose(Span<byte> output, ReadOnlySpan<byte> archived, ReadOnlySpan<byte> appended)
    {
        while (!archived.IsEmpty && archived[archived.Length - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0)
            archived = archived.Slice(0, archived.Length - 1);
        int length = archived.Length + (appended.IsEmpty ? 0 : 1 + appended.Length);
        if (length + 1 > output.Length)
            return -1;
        archived.CopyTo(output);
        if (!appended.IsEmpty)
        {
            output[archived.Length] = (byte)' ';
            appended.CopyTo(output.Slice(archived.Length + 1));
        }
        output[length] = 0;
        return length;
    }
}
