using System;

namespace Redoubt.Kernel.Boot;

// Words of the boot command line, "key=value" separated by spaces. Unknown words are ignored so
// a command line shared with other software does not stop the boot.
public static class BootCommandLine
{
    // The value of the first "key=value" word, or an empty span when there is none.
    public static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> commandLine, ReadOnlySpan<byte> key)
    {
        int position = 0;
        while (position < commandLine.Length)
        {
            while (position < commandLine.Length && IsSeparator(commandLine[position]))
                position++;
            int start = position;
            while (position < commandLine.Length && !IsSeparator(commandLine[position]))
                position++;
            ReadOnlySpan<byte> word = commandLine.Slice(start, position - start);
            if (word.Length > key.Length && word[key.Length] == (byte)'=' && StartsWith(word, key))
                return word.Slice(key.Length + 1);
        }
        return ReadOnlySpan<byte>.Empty;
    }

    private static bool IsSeparator(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\n' || b == (byte)'\r' || b == 0;

    private static bool StartsWith(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
    {
        for (int i = 0; i < prefix.Length; i++)
        {
            if (text[i] != prefix[i])
                return false;
        }
        return true;
    }
}
