using SftpKit.Ssh.Transport;

namespace SftpKit.Tests.Ssh.Transport;

public sealed class PacketCipherTamperTests
{
    public static TheoryData<CipherSuite> Suites => PacketCipherFixtures.AllSuites();

    /// <summary>The suites whose tag covers the sequence number: chacha20-poly1305 and every cipher with a MAC.</summary>
    public static TheoryData<CipherSuite> SequenceAuthenticatingSuites => PacketCipherFixtures.AllSuites(s => !IsGcm(s));

    public static TheoryData<CipherSuite> GcmSuites => PacketCipherFixtures.AllSuites(IsGcm);

    private static bool IsGcm(CipherSuite suite) => suite.Cipher is PacketCipherRegistry.Aes128Gcm or PacketCipherRegistry.Aes256Gcm;

    [Theory]
    [MemberData(nameof(Suites))]
    public void Open_rejects_any_flipped_byte_in_length_ciphertext_or_tag(CipherSuite suite)
    {
        byte[] wire;
        byte[] tag;
        using (var sealer = suite.CreateSealer())
        {
            // Seal one packet first so the tampered one is not at a fresh keystream/nonce position.
            sealer.Seal(41, PacketCipherFixtures.BuildPacket(sealer, 20, new Random(5)), new byte[sealer.TagLength]);
            wire = PacketCipherFixtures.BuildPacket(sealer, 45, new Random(6));
            tag = new byte[sealer.TagLength];
            sealer.Seal(42, wire, tag);
        }

        int total = wire.Length + tag.Length;
        for (int position = 0; position < total; position++)
        {
            var badWire = wire.ToArray();
            var badTag = tag.ToArray();
            if (position < wire.Length)
            {
                badWire[position] ^= 0x01;
            }
            else
            {
                badTag[position - wire.Length] ^= 0x80;
            }

            using var opener = suite.CreateOpener();
            Assert.True(OpenPrelude(opener, suite), "untampered first packet must open");
            opener.DecryptLength(42, badWire.AsSpan(0, opener.FirstBlockLength));
            var plaintext = new byte[badWire.Length - 4];
            Assert.False(opener.Open(42, badWire, badTag, plaintext), $"byte {position} of {total}");
        }
    }

    [Theory]
    [MemberData(nameof(SequenceAuthenticatingSuites))]
    public void Open_rejects_wrong_sequence_number(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        using var opener = suite.CreateOpener();
        var wire = PacketCipherFixtures.BuildPacket(sealer, 100, new Random(7));
        var tag = new byte[sealer.TagLength];
        sealer.Seal(5, wire, tag);

        opener.DecryptLength(6, wire.AsSpan(0, opener.FirstBlockLength));
        Assert.False(opener.Open(6, wire, tag, new byte[wire.Length - 4]));
    }

    /// <summary>
    /// AES-GCM (RFC 5647 §7.1) authenticates no sequence number: its nonce is the fixed IV field plus an invocation
    /// counter that both sides step once per packet. A packet opens at the counter position it was sealed at,
    /// whatever sequence number the transport passes, and is rejected at any other — a replayed packet included.
    /// </summary>
    [Theory]
    [MemberData(nameof(GcmSuites))]
    public void Gcm_open_rejects_a_packet_replayed_at_a_later_invocation_counter(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        var wire = PacketCipherFixtures.BuildPacket(sealer, 100, new Random(7));
        var original = wire.ToArray();
        var tag = new byte[sealer.TagLength];
        sealer.Seal(5, wire, tag);

        // At the counter it was sealed at: opens, even under another sequence number.
        using (var fresh = suite.CreateOpener())
        {
            Assert.True(PacketCipherFixtures.Receive(fresh, 6, wire.ToArray(), tag, out var plaintext));
            Assert.Equal(original.AsSpan(4).ToArray(), plaintext);
        }

        // Opened once, the counter has moved on: the same bytes sent again are rejected.
        using var opener = suite.CreateOpener();
        Assert.True(PacketCipherFixtures.Receive(opener, 5, wire.ToArray(), tag, out _));
        var replay = wire.ToArray();
        opener.DecryptLength(6, replay.AsSpan(0, opener.FirstBlockLength));
        Assert.False(opener.Open(6, replay, tag, new byte[replay.Length - 4]));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Skipping_a_packet_desynchronises_stream_state(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        using var opener = suite.CreateOpener();
        var first = PacketCipherFixtures.BuildPacket(sealer, 100, new Random(8));
        sealer.Seal(0, first, new byte[sealer.TagLength]);
        var second = PacketCipherFixtures.BuildPacket(sealer, 100, new Random(9));
        var original = second.ToArray();
        var tag = new byte[sealer.TagLength];
        sealer.Seal(1, second, tag);

        opener.DecryptLength(1, second.AsSpan(0, opener.FirstBlockLength));
        var plaintext = new byte[second.Length - 4];
        bool opened = opener.Open(1, second, tag, plaintext);

        if (suite.Cipher == PacketCipherRegistry.ChaCha20Poly1305)
        {
            // Keyed per packet by the sequence number alone: nothing carries over between packets.
            Assert.True(opened);
            Assert.Equal(original.AsSpan(4).ToArray(), plaintext);
        }
        else if (suite.MacInfo?.EncryptThenMac == true)
        {
            // -etm MACs the ciphertext, which is intact; only the continuous CTR keystream is out of step.
            Assert.True(opened);
            Assert.NotEqual(original.AsSpan(4).ToArray(), plaintext);
        }
        else
        {
            // GCM's invocation counter and encrypt-and-MAC's MAC over plaintext both catch the gap.
            Assert.False(opened);
        }
    }

    [Fact]
    public void ChaCha20Poly1305_writes_no_plaintext_when_the_tag_fails()
    {
        var suite = new CipherSuite(PacketCipherRegistry.ChaCha20Poly1305, null);
        using var sealer = suite.CreateSealer();
        using var opener = suite.CreateOpener();
        var wire = PacketCipherFixtures.BuildPacket(sealer, 100, new Random(10));
        var tag = new byte[sealer.TagLength];
        sealer.Seal(0, wire, tag);
        wire[^1] ^= 1;

        var plaintext = new byte[wire.Length - 4];
        Assert.False(opener.Open(0, wire, tag, plaintext));
        Assert.All(plaintext, b => Assert.Equal(0, b));
    }

    /// <summary>Opens the untampered packet sealed before the target so the opener's stream state lines up.</summary>
    private static bool OpenPrelude(IPacketOpener opener, CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        var wire = PacketCipherFixtures.BuildPacket(sealer, 20, new Random(5));
        var tag = new byte[sealer.TagLength];
        sealer.Seal(41, wire, tag);
        return PacketCipherFixtures.Receive(opener, 41, wire, tag, out _);
    }
}
