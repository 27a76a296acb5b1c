using System;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// SHA-256 (FIPS 180-4, section 6.2), incremental and allocation-free, for launch measurements.
// A default-initialised hasher is ready to use: the initial hash value is loaded on first use,
// so `default(Sha256)` cannot silently hash from an all-zero state. Finish resets the hasher.
// Messages are limited to 2^61 - 1 bytes (the length field counts bits in 64 bits); nothing the
// kernel measures comes near that.
public struct Sha256
{
    public const int DigestSize = 32;
    public const int BlockSize = Sha256Block.Length;

    private Sha256State _state;
    private Sha256Block _buffer;
    private int _buffered;
    private ulong _length;
    private bool _started;

    // Hashes data in one call. False, with nothing written, when digest is shorter than DigestSize.
    public static bool Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (digest.Length < DigestSize)
            return false;
        Sha256 hasher = default;
        hasher.Append(data);
        return hasher.Finish(digest);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (!_started)
            Start();
        _length += (ulong)data.Length;
        Span<byte> buffer = _buffer;
        if (_buffered != 0)
        {
            int take = Math.Min(BlockSize - _buffered, data.Length);
            data.Slice(0, take).CopyTo(buffer.Slice(_buffered));
            _buffered += take;
            data = data.Slice(take);
            if (_buffered < BlockSize)
                return;
            Compress(ref _state, buffer);
            _buffered = 0;
        }
        // Whole blocks are compressed straight from the input, without a copy.
        while (data.Length >= BlockSize)
        {
            Compress(ref _state, data);
            data = data.Slice(BlockSize);
        }
        data.CopyTo(buffer);
        _buffered = data.Length;
    }

    // Pads, writes the digest to the first DigestSize bytes of digest and resets the hasher.
    // False, with the hasher untouched, when digest is shorter than DigestSize.
    public bool Finish(Span<byte> digest)
    {
        if (digest.Length < DigestSize)
            return false;
        if (!_started)
            Start();
        Span<byte> buffer = _buffer;
        // The buffer is never full here: Append compresses a block as soon as it is complete.
        buffer[_buffered++] = 0x80;
        if (_buffered > BlockSize - 8)
        {
            buffer.Slice(_buffered).Clear();
            Compress(ref _state, buffer);
            _buffered = 0;
        }
        buffer.Slice(_buffered, BlockSize - 8 - _buffered).Clear();
        BigEndian.WriteUInt64(buffer.Slice(BlockSize - 8), _length << 3);
        Compress(ref _state, buffer);
        Span<uint> state = _state;
        for (int i = 0; i < Sha256State.Length; i++)
            BigEndian.WriteUInt32(digest.Slice(i * 4), state[i]);
        this = default;
        return true;
    }

    private void Start()
    {
        InitialState.CopyTo(_state);
        _started = true;
    }

    // Processes the first BlockSize bytes of block.
    private static void Compress(ref Sha256State state, ReadOnlySpan<byte> block)
    {
        ReadOnlySpan<uint> k = RoundConstants;
        Sha256Schedule schedule = default;
        Span<uint> w = schedule;
        Span<uint> h = state;
        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; t++)
        {
            uint wt;
            if (t < 16)
            {
                wt = BigEndian.ReadUInt32(block.Slice(t * 4));
            }
            else
            {
                // w[t % 16] still holds W[t-16].
                wt = w[t & 15] + SmallSigma0(w[(t - 15) & 15]) + w[(t - 7) & 15] + SmallSigma1(w[(t - 2) & 15]);
            }
            w[t & 15] = wt;
            uint t1 = hh + BigSigma1(e) + Choose(e, f, g) + k[t] + wt;
            uint t2 = BigSigma0(a) + Majority(a, b, c);
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }

    // The functions of FIPS 180-4, 4.1.2. Marked for inlining because ILC's heuristics left the
    // sigma functions and rotations as calls in the compression loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Choose(uint x, uint y, uint z) => (x & y) ^ (~x & z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Majority(uint x, uint y, uint z) => (x & y) ^ (x & z) ^ (y & z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BigSigma0(uint x) => RotateRight(x, 2) ^ RotateRight(x, 13) ^ RotateRight(x, 22);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BigSigma1(uint x) => RotateRight(x, 6) ^ RotateRight(x, 11) ^ RotateRight(x, 25);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SmallSigma0(uint x) => RotateRight(x, 7) ^ RotateRight(x, 18) ^ (x >> 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SmallSigma1(uint x) => RotateRight(x, 17) ^ RotateRight(x, 19) ^ (x >> 10);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint RotateRight(uint value, int count) => (value >> count) | (value << (32 - count));

    // Fractional parts of the square roots of the first 8 primes (FIPS 180-4, 5.3.3).
    private static ReadOnlySpan<uint> InitialState =>
    [
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    ];

    // Fractional parts of the cube roots of the first 64 primes (FIPS 180-4, 4.2.2).
    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
        0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
        0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
        0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
        0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
        0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
        0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
        0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
    ];
}
