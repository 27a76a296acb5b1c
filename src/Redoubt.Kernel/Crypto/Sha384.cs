using System;
using System.Runtime.CompilerServices;

namespace Redoubt.Kernel.Crypto;

// SHA-384 (FIPS 180-4, sections 6.4 and 6.5): the SHA-512 compression with its own initial hash
// value, cut to 48 bytes. Incremental and allocation-free, for launch measurements (AMD SEV-SNP
// and Intel TDX measure with SHA-384). A default-initialised hasher is ready to use: the initial
// hash value is loaded on first use. Finish resets the hasher. Messages are limited to
// 2^64 - 1 bytes by the byte counter; the 128-bit length field itself is never the limit.
public struct Sha384
{
    public const int DigestSize = 48;
    public const int BlockSize = Sha512Block.Length;

    private Sha512State _state;
    private Sha512Block _buffer;
    private int _buffered;
    private ulong _length;
    private bool _started;

    // Hashes data in one call. False, with nothing written, when digest is shorter than DigestSize.
    public static bool Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (digest.Length < DigestSize)
            return false;
        Sha384 hasher = default;
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
        if (_buffered > BlockSize - 16)
        {
            buffer.Slice(_buffered).Clear();
            Compress(ref _state, buffer);
            _buffered = 0;
        }
        buffer.Slice(_buffered, BlockSize - 16 - _buffered).Clear();
        // The message length in bits, as a 128-bit big-endian number.
        BigEndian.WriteUInt64(buffer.Slice(BlockSize - 16), _length >> 61);
        BigEndian.WriteUInt64(buffer.Slice(BlockSize - 8), _length << 3);
        Compress(ref _state, buffer);
        Span<ulong> state = _state;
        for (int i = 0; i < DigestSize / 8; i++)
            BigEndian.WriteUInt64(digest.Slice(i * 8), state[i]);
        this = default;
        return true;
    }

    private void Start()
    {
        InitialState.CopyTo(_state);
        _started = true;
    }

    // Processes the first BlockSize bytes of block.
    private static void Compress(ref Sha512State state, ReadOnlySpan<byte> block)
    {
        ReadOnlySpan<ulong> k = RoundConstants;
        Sha512Schedule schedule = default;
        Span<ulong> w = schedule;
        Span<ulong> h = state;
        ulong a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 80; t++)
        {
            ulong wt;
            if (t < 16)
            {
                wt = BigEndian.ReadUInt64(block.Slice(t * 8));
            }
            else
            {
                // w[t % 16] still holds W[t-16].
                wt = w[t & 15] + SmallSigma0(w[(t - 15) & 15]) + w[(t - 7) & 15] + SmallSigma1(w[(t - 2) & 15]);
            }
            w[t & 15] = wt;
            ulong t1 = hh + BigSigma1(e) + Choose(e, f, g) + k[t] + wt;
            ulong t2 = BigSigma0(a) + Majority(a, b, c);
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

    // The functions of FIPS 180-4, 4.1.3. Marked for inlining because ILC's heuristics left the
    // sigma functions and rotations as calls in the compression loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Choose(ulong x, ulong y, ulong z) => (x & y) ^ (~x & z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Majority(ulong x, ulong y, ulong z) => (x & y) ^ (x & z) ^ (y & z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BigSigma0(ulong x) => RotateRight(x, 28) ^ RotateRight(x, 34) ^ RotateRight(x, 39);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BigSigma1(ulong x) => RotateRight(x, 14) ^ RotateRight(x, 18) ^ RotateRight(x, 41);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SmallSigma0(ulong x) => RotateRight(x, 1) ^ RotateRight(x, 8) ^ (x >> 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SmallSigma1(ulong x) => RotateRight(x, 19) ^ RotateRight(x, 61) ^ (x >> 6);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RotateRight(ulong value, int count) => (value >> count) | (value << (64 - count));

    // Fractional parts of the square roots of the 9th to 16th primes (FIPS 180-4, 5.3.4).
    private static ReadOnlySpan<ulong> InitialState =>
    [
        0xCBBB_9D5D_C105_9ED8, 0x629A_292A_367C_D507, 0x9159_015A_3070_DD17, 0x152F_ECD8_F70E_5939,
        0x6733_2667_FFC0_0B31, 0x8EB4_4A87_6858_1511, 0xDB0C_2E0D_64F9_8FA7, 0x47B5_481D_BEFA_4FA4,
    ];

    // Fractional parts of the cube roots of the first 80 primes (FIPS 180-4, 4.2.3).
    private static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x428A_2F98_D728_AE22, 0x7137_4491_23EF_65CD, 0xB5C0_FBCF_EC4D_3B2F, 0xE9B5_DBA5_8189_DBBC,
        0x3956_C25B_F348_B538, 0x59F1_11F1_B605_D019, 0x923F_82A4_AF19_4F9B, 0xAB1C_5ED5_DA6D_8118,
        0xD807_AA98_A303_0242, 0x1283_5B01_4570_6FBE, 0x2431_85BE_4EE4_B28C, 0x550C_7DC3_D5FF_B4E2,
        0x72BE_5D74_F27B_896F, 0x80DE_B1FE_3B16_96B1, 0x9BDC_06A7_25C7_1235, 0xC19B_F174_CF69_2694,
        0xE49B_69C1_9EF1_4AD2, 0xEFBE_4786_384F_25E3, 0x0FC1_9DC6_8B8C_D5B5, 0x240C_A1CC_77AC_9C65,
        0x2DE9_2C6F_592B_0275, 0x4A74_84AA_6EA6_E483, 0x5CB0_A9DC_BD41_FBD4, 0x76F9_88DA_8311_53B5,
        0x983E_5152_EE66_DFAB, 0xA831_C66D_2DB4_3210, 0xB003_27C8_98FB_213F, 0xBF59_7FC7_BEEF_0EE4,
        0xC6E0_0BF3_3DA8_8FC2, 0xD5A7_9147_930A_A725, 0x06CA_6351_E003_826F, 0x1429_2967_0A0E_6E70,
        0x27B7_0A85_46D2_2FFC, 0x2E1B_2138_5C26_C926, 0x4D2C_6DFC_5AC4_2AED, 0x5338_0D13_9D95_B3DF,
        0x650A_7354_8BAF_63DE, 0x766A_0ABB_3C77_B2A8, 0x81C2_C92E_47ED_AEE6, 0x9272_2C85_1482_353B,
        0xA2BF_E8A1_4CF1_0364, 0xA81A_664B_BC42_3001, 0xC24B_8B70_D0F8_9791, 0xC76C_51A3_0654_BE30,
        0xD192_E819_D6EF_5218, 0xD699_0624_5565_A910, 0xF40E_3585_5771_202A, 0x106A_A070_32BB_D1B8,
        0x19A4_C116_B8D2_D0C8, 0x1E37_6C08_5141_AB53, 0x2748_774C_DF8E_EB99, 0x34B0_BCB5_E19B_48A8,
        0x391C_0CB3_C5C9_5A63, 0x4ED8_AA4A_E341_8ACB, 0x5B9C_CA4F_7763_E373, 0x682E_6FF3_D6B2_B8A3,
        0x748F_82EE_5DEF_B2FC, 0x78A5_636F_4317_2F60, 0x84C8_7814_A1F0_AB72, 0x8CC7_0208_1A64_39EC,
        0x90BE_FFFA_2363_1E28, 0xA450_6CEB_DE82_BDE9, 0xBEF9_A3F7_B2C6_7915, 0xC671_78F2_E372_532B,
        0xCA27_3ECE_EA26_619C, 0xD186_B8C7_21C0_C207, 0xEADA_7DD6_CDE0_EB1E, 0xF57D_4F7F_EE6E_D178,
        0x06F0_67AA_7217_6FBA, 0x0A63_7DC5_A2C8_98A6, 0x113F_9804_BEF9_0DAE, 0x1B71_0B35_131C_471B,
        0x28DB_77F5_2304_7D84, 0x32CA_AB7B_40C7_2493, 0x3C9E_BE0A_15C9_BEBC, 0x431D_67C4_9C10_0D4C,
        0x4CC5_D4BE_CB3E_42B6, 0x597F_299C_FC65_7E2A, 0x5FCB_6FAB_3AD6_FAEC, 0x6C44_198C_4A47_5817,
    ];
}
