using System.Buffers;
using SftpKit.Ssh;
using SftpKit.Ssh.Transport;

namespace SftpKit.Tests.Ssh.Transport;

public sealed class PacketFramingTests
{
    public static TheoryData<string, string?> CipherSuites => new()
    {
        { "none", null },
        { "chacha20-poly1305@openssh.com", null },
        { "aes256-gcm@openssh.com", null },
        { "aes128-ctr", "hmac-sha2-256" },
        { "aes192-ctr", "hmac-sha2-512-etm@openssh.com" },
    };

    [Theory]
    [MemberData(nameof(CipherSuites))]
    public void Encoded_packets_decode_from_one_segment_and_one_byte_segments(string cipher, string? mac)
    {
        foreach (bool oneByte in new[] { false, true })
        {
            var (sealer, opener) = Create(cipher, mac);
            using var encoder = new PacketEncoder { Sealer = sealer };
            using var decoder = new PacketDecoder(256 * 1024) { Opener = opener };
            var output = new ArrayBufferWriter<byte>();
            var payloads = Enumerable.Range(0, 20).Select(i => Enumerable.Range(0, 1 + i * 37).Select(b => (byte)(b + i)).ToArray()).ToList();
            foreach (var payload in payloads)
            {
                encoder.Encode(payload, output);
            }
            byte[] wire = output.WrittenSpan.ToArray();
            var buffer = oneByte ? SequenceFactory.OneBytePerSegment(wire) : new ReadOnlySequence<byte>(wire);
            foreach (var expected in payloads)
            {
                Assert.True(decoder.TryDecode(ref buffer, out var payload));
                Assert.Equal(expected, payload.ToArray());
            }
            Assert.True(buffer.IsEmpty);
            Assert.False(decoder.TryDecode(ref buffer, out _));
        }
    }

    [Fact]
    public void Holds_no_buffer_before_a_packet_nor_after_release()
    {
        var (sealer, opener) = Create("chacha20-poly1305@openssh.com", null);
        using var encoder = new PacketEncoder { Sealer = sealer };
        using var decoder = new PacketDecoder(256 * 1024) { Opener = opener };
        Assert.False(decoder.HoldsBuffer);
        var output = new ArrayBufferWriter<byte>();
        var small = new byte[] { 94, 1, 2, 3 };
        var large = Enumerable.Range(0, 40_000).Select(i => (byte)i).ToArray();
        encoder.Encode(small, output);
        encoder.Encode(large, output);
        encoder.Encode(small, output);
        var buffer = SequenceFactory.OneBytePerSegment(output.WrittenSpan.ToArray());

        Assert.True(decoder.TryDecode(ref buffer, out var first));
        Assert.Equal(small, first.ToArray());
        Assert.True(decoder.HoldsBuffer);
        decoder.ReleaseBuffers();
        Assert.False(decoder.HoldsBuffer);
        Assert.True(decoder.TryDecode(ref buffer, out var second)); // a larger packet than the buffer held
        Assert.Equal(large, second.ToArray());
        Assert.True(decoder.TryDecode(ref buffer, out var third));
        Assert.Equal(small, third.ToArray());
        decoder.ReleaseBuffers();
        Assert.False(decoder.HoldsBuffer);
    }

    [Fact]
    public void Partial_packet_consumes_nothing_until_complete()
    {
        using var encoder = new PacketEncoder();
        using var decoder = new PacketDecoder(256 * 1024);
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(new byte[] { 5, 1, 2, 3 }, output);
        byte[] wire = output.WrittenSpan.ToArray();
        for (int cut = 0; cut < wire.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(wire, 0, cut);
            var before = partial;
            Assert.False(decoder.TryDecode(ref partial, out _));
            Assert.Equal(before.Length, partial.Length);
        }
        var whole = new ReadOnlySequence<byte>(wire);
        Assert.True(decoder.TryDecode(ref whole, out var payload));
        Assert.Equal(new byte[] { 5, 1, 2, 3 }, payload.ToArray());
    }

    [Fact]
    public void Padding_is_random_and_never_reused_across_pool_refills()
    {
        // Padding comes from a per-encoder pool of CSPRNG bytes; each byte is used once, across several refills.
        using var encoder = new PacketEncoder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int packets = 4 * PacketEncoder.PaddingPoolSize / 8;
        for (int i = 0; i < packets; i++)
        {
            var output = new ArrayBufferWriter<byte>();
            encoder.Encode(new byte[] { 5, 1, 2 }, output);
            var wire = output.WrittenSpan;
            int padding = wire[4];
            Assert.InRange(padding, 4, 255);
            var bytes = wire.Slice(wire.Length - padding, padding);
            Assert.True(seen.Add(Convert.ToHexString(bytes)), $"padding of packet {i} repeats an earlier one");
        }
        Assert.True(seen.Count == packets);
    }

    [Fact]
    public void Rejects_packet_over_max_length_before_buffering()
    {
        using var decoder = new PacketDecoder(35000);
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 1, 0, 0, 4 });
        var ex = Assert.Throws<SshProtocolException>(() => decoder.TryDecode(ref buffer, out _));
        Assert.Equal(SshDisconnectReason.ProtocolError, ex.Reason);
    }

    [Fact]
    public void Tampered_packet_is_a_mac_error()
    {
        var (sealer, opener) = Create("aes128-gcm@openssh.com", null);
        using var encoder = new PacketEncoder { Sealer = sealer };
        using var decoder = new PacketDecoder(256 * 1024) { Opener = opener };
        var output = new ArrayBufferWriter<byte>();
        encoder.Encode(new byte[100], output);
        byte[] wire = output.WrittenSpan.ToArray();
        wire[20] ^= 1;
        var buffer = new ReadOnlySequence<byte>(wire);
        var ex = Assert.Throws<SshProtocolException>(() => decoder.TryDecode(ref buffer, out _));
        Assert.Equal(SshDisconnectReason.MacError, ex.Reason);
    }

    [Fact]
    public void Padding_is_at_least_four_and_aligns_to_the_block()
    {
        using var encoder = new PacketEncoder();
        for (int size = 1; size < 64; size++)
        {
            var output = new ArrayBufferWriter<byte>();
            encoder.Encode(new byte[size], output);
            var span = output.WrittenSpan;
            int padding = span[4];
            Assert.InRange(padding, 4, 255);
            Assert.Equal(0, span.Length % 8);
        }
    }

    private static (IPacketSealer, IPacketOpener) Create(string cipher, string? mac)
    {
        if (cipher == "none")
        {
            return (PacketCipherRegistry.NoneSealer(), PacketCipherRegistry.NoneOpener());
        }
        Assert.True(PacketCipherRegistry.TryGetCipher(cipher, out var info));
        MacInfo? macInfo = null;
        if (mac is not null)
        {
            Assert.True(PacketCipherRegistry.TryGetMac(mac, out macInfo));
        }
        byte[] key = Enumerable.Range(0, info!.KeyLength).Select(i => (byte)i).ToArray();
        byte[] iv = Enumerable.Range(0, info.IvLength).Select(i => (byte)(i * 3)).ToArray();
        byte[] macKey = Enumerable.Range(0, macInfo?.KeyLength ?? 0).Select(i => (byte)(i * 7)).ToArray();
        return (PacketCipherRegistry.CreateSealer(info, key, iv, macInfo, macKey), PacketCipherRegistry.CreateOpener(info, key, iv, macInfo, macKey));
    }
}
