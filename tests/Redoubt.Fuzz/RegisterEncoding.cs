using System;

namespace Redoubt.Fuzz;

// One 64-bit register value in the input: a tag byte, then a payload for some tags. Biased so
// that mutating a byte lands on meaningful values (slots, counts, frame addresses, edges)
// far more often than raw 64-bit noise would:
//   0x00-0x3F  the value itself (slots, page counts, flags, rights)
//   0x40-0x7F  frame address (tag & 0x3F) * 4096
//   0x80-0xBF  (tag & 0x3F) * 4096 + the next 2 bytes (unaligned addresses, buffer lengths)
//   0xC0       the next 8 bytes, raw
//   0xC1-0xFF  an edge value: Edges[tag - 0xC1], or past its end 1 << (tag - 0xC1 - 16 + 12)
public static class RegisterEncoding
{
    private const ulong Page = 4096;

    // Boundaries the kernel's range checks sit on.
    private static readonly ulong[] Edges =
    {
        ulong.MaxValue,
        ulong.MaxValue - Page + 1,            // aligned, overflows with any length
        0x0000_8000_0000_0000,                // end of the guest-physical (canonical low) half
        0x0000_8000_0000_0000 - Page,         // its last page
        0xFFFF_8000_0000_0000,                // start of the canonical high half
        0x0000_7FFF_FFFF_FFFF,
        1UL << 20,                            // largest caller buffer
        (1UL << 20) + 1,
        1UL << 21,                            // 2 MiB
        (1UL << 21) - Page,
        1UL << 30,                            // 1 GiB
        1UL << 39,                            // 512 GiB (one PML4 entry)
        0x8000_0000_0000_0000,
        uint.MaxValue,
        0x3F7FD7,                             // every RFLAGS bit VcpuSetState accepts
        0x7FFF_FFFF_FFFF_F000,
    };

    public static ulong Decode(ref InputReader reader)
    {
        byte tag = reader.ReadByte();
        ulong low = (ulong)(tag & 0x3F);
        switch (tag >> 6)
        {
            case 0:
                return low;
            case 1:
                return low * Page;
            case 2:
                return low * Page + reader.ReadUInt16();
            default:
                if (tag == 0xC0)
                    return reader.ReadUInt64();
                int edge = tag - 0xC1;
                return edge < Edges.Length ? Edges[edge] : 1UL << (edge - Edges.Length + 12);
        }
    }

    // The shortest encoding of value (the generator's side of Decode).
    public static void Encode(ulong value, InputWriter writer)
    {
        if (value < 0x40)
        {
            writer.Byte((byte)value);
            return;
        }
        if (value % Page == 0 && value / Page < 0x40)
        {
            writer.Byte((byte)(0x40 | value / Page));
            return;
        }
        int edge = Array.IndexOf(Edges, value);
        if (edge >= 0)
        {
            writer.Byte((byte)(0xC1 + edge));
            return;
        }
        if (value <= 0x3F * Page + ushort.MaxValue)
        {
            ulong frame = value <= ushort.MaxValue ? 0 : (value - ushort.MaxValue + Page - 1) / Page;
            writer.Byte((byte)(0x80 | frame));
            writer.UInt16((ushort)(value - frame * Page));
            return;
        }
        writer.Byte(0xC0);
        writer.UInt64(value);
    }
}
