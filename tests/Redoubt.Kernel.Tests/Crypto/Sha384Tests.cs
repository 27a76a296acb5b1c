using System;
using System.Text;
using Redoubt.Kernel.Crypto;
using Xunit;

namespace Redoubt.Kernel.Tests.Crypto;

public sealed class Sha384Tests
{
    private const int RandomCases = 500;

    // FIPS 180-4 examples (NIST CSRC "Examples with Intermediate Values") and the NIST
    // one-million-'a' test.
    [Theory]
    [InlineData("", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b")]
    [InlineData("abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039")]
    public void Known_answers_match_FIPS_180_4(string message, string expected)
    {
        Assert.Equal(expected, OneShot(Encoding.ASCII.GetBytes(message)));
    }

    [Fact]
    public void One_million_a_matches_the_NIST_answer_one_shot_and_in_chunks()
    {
        const string Expected = "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985";
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');
        Assert.Equal(Expected, OneShot(message));

        var hasher = new Sha384();
        for (int i = 0; i < 1000; i++)
            hasher.Append(message.AsSpan(0, 1000));
        byte[] digest = new byte[Sha384.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal(Expected, Convert.ToHexStringLower(digest));
    }

    // Every length across the padding edges: 111/112 bytes (length field fits or not) and the
    // block boundaries at 128 and 256.
    [Fact]
    public void Every_length_up_to_300_bytes_matches_the_host_library()
    {
        var random = new Random(384);
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.True(Expected(data) == OneShot(data), $"length {length}");
        }
    }

    [Fact]
    public void Random_inputs_match_the_host_library()
    {
        var random = new Random(0x5A384);
        for (int i = 0; i < RandomCases; i++)
        {
            byte[] data = new byte[random.Next(0, 3001)];
            random.NextBytes(data);
            Assert.True(Expected(data) == OneShot(data), $"case {i}, length {data.Length}");
        }
    }

    [Fact]
    public void Appends_split_at_random_points_equal_one_shot()
    {
        var random = new Random(0x5A385);
        for (int i = 0; i < RandomCases; i++)
        {
            byte[] data = new byte[random.Next(0, 3001)];
            random.NextBytes(data);
            var hasher = new Sha384();
            int position = 0;
            while (position < data.Length)
            {
                // Empty appends included: they must change nothing.
                int take = random.Next(0, Math.Min(data.Length - position, random.Next(2) == 0 ? 8 : 300) + 1);
                hasher.Append(data.AsSpan(position, take));
                position += take;
            }
            byte[] digest = new byte[Sha384.DigestSize];
            Assert.True(hasher.Finish(digest));
            Assert.True(OneShot(data) == Convert.ToHexStringLower(digest), $"case {i}, length {data.Length}");
        }
    }

    [Fact]
    public void Byte_at_a_time_appends_equal_one_shot()
    {
        byte[] data = new byte[777];
        new Random(7).NextBytes(data);
        var hasher = new Sha384();
        foreach (byte b in data)
            hasher.Append([b]);
        byte[] digest = new byte[Sha384.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal(Expected(data), Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_default_hasher_is_ready_to_use()
    {
        Sha384 hasher = default;
        hasher.Append("abc"u8);
        byte[] digest = new byte[Sha384.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_short_digest_buffer_is_refused_and_leaves_everything_untouched()
    {
        byte[] tooShort = new byte[Sha384.DigestSize - 1];
        tooShort.AsSpan().Fill(0xEE);
        Assert.False(Sha384.Hash("abc"u8, tooShort));
        Assert.All(tooShort, b => Assert.Equal(0xEE, b));

        var hasher = new Sha384();
        hasher.Append("ab"u8);
        Assert.False(hasher.Finish(tooShort));
        Assert.All(tooShort, b => Assert.Equal(0xEE, b));
        hasher.Append("c"u8);
        byte[] digest = new byte[Sha384.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_longer_digest_buffer_gets_the_digest_in_front_and_the_rest_untouched()
    {
        byte[] digest = new byte[Sha384.DigestSize + 5];
        digest.AsSpan().Fill(0xEE);
        Assert.True(Sha384.Hash("abc"u8, digest));
        Assert.Equal("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", Convert.ToHexStringLower(digest.AsSpan(0, Sha384.DigestSize)));
        Assert.All(digest[Sha384.DigestSize..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Finish_resets_the_hasher_for_the_next_message()
    {
        var hasher = new Sha384();
        hasher.Append(new byte[100]);
        byte[] digest = new byte[Sha384.DigestSize];
        Assert.True(hasher.Finish(digest));
        hasher.Append("abc"u8);
        Assert.True(hasher.Finish(digest));
        Assert.Equal("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", Convert.ToHexStringLower(digest));
    }

    private static string OneShot(byte[] data)
    {
        byte[] digest = new byte[Sha384.DigestSize];
        Assert.True(Sha384.Hash(data, digest));
        return Convert.ToHexStringLower(digest);
    }

    private static string Expected(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.SHA384.HashData(data));
}
