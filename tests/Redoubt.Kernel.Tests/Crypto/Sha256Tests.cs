using System;
using System.Text;
using Redoubt.Kernel.Crypto;
using Xunit;

namespace Redoubt.Kernel.Tests.Crypto;

public sealed class Sha256Tests
{
    private const int RandomCases = 500;

    // FIPS 180-4 examples (NIST CSRC "Examples with Intermediate Values") and the NIST
    // one-million-'a' test.
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")]
    public void Known_answers_match_FIPS_180_4(string message, string expected)
    {
        Assert.Equal(expected, OneShot(Encoding.ASCII.GetBytes(message)));
    }

    [Fact]
    public void One_million_a_matches_the_NIST_answer_one_shot_and_in_chunks()
    {
        const string Expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
        byte[] message = new byte[1_000_000];
        message.AsSpan().Fill((byte)'a');
        Assert.Equal(Expected, OneShot(message));

        var hasher = new Sha256();
        for (int i = 0; i < 1000; i++)
            hasher.Append(message.AsSpan(0, 1000));
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal(Expected, Convert.ToHexStringLower(digest));
    }

    // Every length across the padding edges: 55/56 bytes (length field fits or not) and the
    // block boundaries at 64 and 128.
    [Fact]
    public void Every_length_up_to_300_bytes_matches_the_host_library()
    {
        var random = new Random(256);
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
        var random = new Random(0x5A256);
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
        var random = new Random(0x5A257);
        for (int i = 0; i < RandomCases; i++)
        {
            byte[] data = new byte[random.Next(0, 3001)];
            random.NextBytes(data);
            var hasher = new Sha256();
            int position = 0;
            while (position < data.Length)
            {
                // Empty appends included: they must change nothing.
                int take = random.Next(0, Math.Min(data.Length - position, random.Next(2) == 0 ? 8 : 300) + 1);
                hasher.Append(data.AsSpan(position, take));
                position += take;
            }
            byte[] digest = new byte[Sha256.DigestSize];
            Assert.True(hasher.Finish(digest));
            Assert.True(OneShot(data) == Convert.ToHexStringLower(digest), $"case {i}, length {data.Length}");
        }
    }

    [Fact]
    public void Byte_at_a_time_appends_equal_one_shot()
    {
        byte[] data = new byte[777];
        new Random(7).NextBytes(data);
        var hasher = new Sha256();
        foreach (byte b in data)
            hasher.Append([b]);
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal(Expected(data), Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_default_hasher_is_ready_to_use()
    {
        Sha256 hasher = default;
        hasher.Append("abc"u8);
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_short_digest_buffer_is_refused_and_leaves_everything_untouched()
    {
        byte[] tooShort = new byte[Sha256.DigestSize - 1];
        tooShort.AsSpan().Fill(0xEE);
        Assert.False(Sha256.Hash("abc"u8, tooShort));
        Assert.All(tooShort, b => Assert.Equal(0xEE, b));

        var hasher = new Sha256();
        hasher.Append("ab"u8);
        Assert.False(hasher.Finish(tooShort));
        Assert.All(tooShort, b => Assert.Equal(0xEE, b));
        hasher.Append("c"u8);
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(hasher.Finish(digest));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void A_longer_digest_buffer_gets_the_digest_in_front_and_the_rest_untouched()
    {
        byte[] digest = new byte[Sha256.DigestSize + 5];
        digest.AsSpan().Fill(0xEE);
        Assert.True(Sha256.Hash("abc"u8, digest));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(digest.AsSpan(0, Sha256.DigestSize)));
        Assert.All(digest[Sha256.DigestSize..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Finish_resets_the_hasher_for_the_next_message()
    {
        var hasher = new Sha256();
        hasher.Append(new byte[100]);
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(hasher.Finish(digest));
        hasher.Append("abc"u8);
        Assert.True(hasher.Finish(digest));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(digest));
    }

    private static string OneShot(byte[] data)
    {
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(Sha256.Hash(data, digest));
        return Convert.ToHexStringLower(digest);
    }

    private static string Expected(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
}
