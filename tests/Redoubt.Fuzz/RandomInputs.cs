using System;
using Redoubt.Abi;

namespace Redoubt.Fuzz;

// Deterministic random inputs for the replay tests (no AFL needed): raw bytes, structured
// sequences biased towards plausible arguments, and mutations of seeds.
public static class RandomInputs
{
    private const ulong Page = 4096;
    private static readonly ulong[] Lengths = { InfoRecord.Size, VcpuState.Size, CvmReport.Size, ExitMessage.Size, Page, 2 * Page, 1 };

    public static byte[] Raw(Random random)
    {
        var bytes = new byte[random.Next(1, 200)];
        random.NextBytes(bytes);
        // The 1024-frame shape rarely (it is slower: the state digest hashes all memory).
        if (bytes[0] >= MachineShape.LargeMachine && random.Next(12) != 0)
            bytes[0] &= 0x3F;
        return bytes;
    }

    public static byte[] Structured(Random random)
    {
        // Mostly the default machine; the 1024-frame shape rarely, since it is slower.
        byte shape = random.Next(4) == 0 ? (byte)random.Next(0xC0) : MachineShape.Default;
        if (random.Next(50) == 0)
            shape |= MachineShape.LargeMachine;
        var writer = new InputWriter(shape);
        int calls = random.Next(1, FuzzTarget.MaxCalls + 1);
        for (int i = 0; i < calls; i++)
        {
            ushort caller = random.Next(10) switch
            {
                < 7 => 0,
                7 => 1,
                8 => 2,
                _ => (ushort)random.Next(3, ushort.MaxValue + 1),
            };
            Hypercall call = random.Next(30) == 0 ? (Hypercall)random.Next(0x70) : FuzzCall.Known[random.Next(FuzzCall.Known.Length)];
            if (random.Next(4) == 0)
                call = Hypercall.MemDonate;
            byte[] buffer = random.Next(3) switch
            {
                0 => Array.Empty<byte>(),
                1 => Mutate(random, SeedCorpus.ValidVcpuState(), 1),
                _ => RandomBytes(random, random.Next(1, FuzzCall.MaxBuffer + 1)),
            };
            writer.CallWithBuffer(caller, call, buffer, Argument(random), Argument(random), Argument(random),
                Argument(random), Argument(random), Argument(random));
        }
        return writer.ToArray();
    }

    // The seed with a few random edits: overwrite, insert or delete a byte.
    public static byte[] Mutate(Random random, ReadOnlySpan<byte> seed, int edits)
    {
        var bytes = new System.Collections.Generic.List<byte>(seed.ToArray());
        for (int i = 0; i < edits; i++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(3))
            {
                case 0 when at < bytes.Count:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1 when at < bytes.Count && bytes.Count > 1:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static ulong Argument(Random random) => random.Next(10) switch
    {
        < 3 => (ulong)random.Next(5),                             // slots, counts, flags
        < 6 => (ulong)random.Next(40) * Page,                     // frame and guest addresses
        6 => Lengths[random.Next(Lengths.Length)],
        7 => (ulong)random.Next(40) * Page + (ulong)random.Next(1, (int)Page),
        8 => (ulong)random.Next(8) << (12 + 9 * random.Next(4)),  // table-level boundaries
        _ => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63),
    };

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
