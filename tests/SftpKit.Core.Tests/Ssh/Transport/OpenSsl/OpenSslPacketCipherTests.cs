using System.Buffers.Binary;
using System.Security.Cryptography;
using SftpKit.Ssh.Transport;
using SftpKit.Ssh.Transport.OpenSsl;
using static SftpKit.Tests.Ssh.Transport.PacketCipherFixtures;

namespace SftpKit.Tests.Ssh.Transport.OpenSsl;

/// <summary>
/// The libcrypto routes against the fallback routes they replace (BCL + BouncyCastle for chacha20-poly1305, the BCL's
/// AesGcm for AES-GCM): same wire bytes and tags for random keys, packet sizes and sequence numbers, each opens the
/// other's packets, and tampering is rejected.
/// </summary>
public sealed class OpenSslPacketCipherTests
{
    private const ChaChaPolyRoutes Fallback = ChaChaPolyRoutes.Fastest & ~ChaChaPolyRoutes.OpenSsl;

    // Sizes around the 64-byte ChaCha block and the 16-byte Poly1305/GCM block, plus bulk SFTP packet sizes.
    private static readonly int[] PayloadLengths = [0, 1, 2, 3, 7, 11, 15, 16, 17, 31, 43, 47, 48, 59, 63, 64, 65, 100, 127, 128, 129, 255, 1000, 4093, 32768, 32779, 65536, 262144];

    private static readonly uint[] Sequences = [0, 1, 2, 3, 255, 256, 65535, 0x7fffffff, 0x80000000, 0xfffffffe, uint.MaxValue];

    [Fact]
    public void Libcrypto_is_the_BCLs_OpenSSL_3_on_Linux()
    {
        Requires.That(OperatingSystem.IsLinux() && SafeEvpPKeyHandle.OpenSslVersion >= 0x30000000L, "OpenSSL 3 behind System.Security.Cryptography", "install libssl3");

        Assert.True(LibCrypto.IsAvailable);
        Assert.True(OpenSslChaChaPoly.IsSupported);
        Assert.NotEqual(0, LibCrypto.AesGcm(16));
        Assert.NotEqual(0, LibCrypto.AesGcm(32));
        Assert.Equal(0, LibCrypto.AesGcm(24));
    }

    [Fact]
    public void ChaCha20Poly1305_libcrypto_seals_exactly_like_the_fallback_and_each_opens_the_other()
    {
        RequireLibcrypto();
        var random = new Random(1405);
        for (int round = 0; round < 4; round++)
        {
            var key = new byte[OpenSshChaChaPoly.KeyLength];
            random.NextBytes(key);
            using var fast = new ChaCha20Poly1305PacketSealer(key);
            using var slow = new ChaCha20Poly1305PacketSealer(key, Fallback);
            using var fastOpener = new ChaCha20Poly1305PacketOpener(key);
            using var slowOpener = new ChaCha20Poly1305PacketOpener(key, Fallback);
            Assert.True(fast.Construction.UsesOpenSsl);
            Assert.False(slow.Construction.UsesOpenSsl);

            foreach (int payloadLength in PayloadLengths)
            {
                uint sequence = round == 0 ? Sequences[payloadLength % Sequences.Length] : (uint)random.NextInt64(0, 1L << 32);
                var packet = BuildPacket(fast, payloadLength, random);
                var expected = packet.ToArray();
                var actual = packet.ToArray();
                var expectedTag = new byte[16];
                var actualTag = new byte[16];

                slow.Seal(sequence, expected, expectedTag);
                fast.Seal(sequence, actual, actualTag);

                Assert.Equal(expected, actual);
                Assert.Equal(expectedTag, actualTag);
                foreach (var opener in new[] { fastOpener, slowOpener })
                {
                    Assert.True(Receive(opener, sequence, actual, actualTag, out var plaintext));
                    Assert.True(plaintext.AsSpan().SequenceEqual(packet.AsSpan(4)));
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(17)]
    [InlineData(1000)]
    public void ChaCha20Poly1305_libcrypto_rejects_a_tampered_tag_length_or_payload_and_a_wrong_sequence(int payloadLength)
    {
        RequireLibcrypto();
        var key = RandomNumberGenerator.GetBytes(OpenSshChaChaPoly.KeyLength);
        using var sealer = new ChaCha20Poly1305PacketSealer(key);
        using var opener = new ChaCha20Poly1305PacketOpener(key);
        var packet = BuildPacket(sealer, payloadLength, new Random(payloadLength));
        var tag = new byte[16];
        sealer.Seal(77, packet, tag);

        foreach (int position in new[] { 0, 3, 4, packet.Length - 1, packet.Length, packet.Length + 15 })
        {
            var wire = packet.ToArray();
            var wireTag = tag.ToArray();
            if (position < wire.Length)
            {
                wire[position] ^= 0x01;
            }
            else
            {
                wireTag[position - wire.Length] ^= 0x80;
            }
            var plaintext = new byte[wire.Length - 4];
            Assert.False(opener.Open(77, wire, wireTag, plaintext));
            Assert.All(plaintext, b => Assert.Equal(0, b)); // nothing decrypted before the tag is verified
        }
        Assert.False(opener.Open(78, packet, tag, new byte[packet.Length - 4]));
        Assert.True(opener.Open(77, packet, tag, new byte[packet.Length - 4]));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void AesGcm_libcrypto_seals_exactly_like_the_BCL_and_each_opens_the_other(int keyLength)
    {
        RequireLibcrypto();
        var random = new Random(keyLength);
        var key = new byte[keyLength];
        random.NextBytes(key);
        var iv = new byte[12];
        random.NextBytes(iv);
        BinaryPrimitives.WriteUInt64BigEndian(iv.AsSpan(4), ulong.MaxValue - 3); // the invocation counter wraps mid-run
        using var fast = new AesGcmPacketSealer(key, iv, openSsl: true);
        using var slow = new AesGcmPacketSealer(key, iv, openSsl: false);
        using var fastOpener = new AesGcmPacketOpener(key, iv, openSsl: true);
        using var slowOpener = new AesGcmPacketOpener(key, iv, openSsl: false);
        Assert.True(fast.UsesOpenSsl);
        Assert.True(fastOpener.UsesOpenSsl);
        Assert.False(slow.UsesOpenSsl);
        Assert.False(slowOpener.UsesOpenSsl);

        uint sequence = 0;
        foreach (int payloadLength in PayloadLengths)
        {
            var packet = BuildPacket(fast, payloadLength, random);
            var expected = packet.ToArray();
            var actual = packet.ToArray();
            var expectedTag = new byte[16];
            var actualTag = new byte[16];

            slow.Seal(sequence, expected, expectedTag);
            fast.Seal(sequence, actual, actualTag);

            Assert.Equal(expected, actual);
            Assert.Equal(expectedTag, actualTag);
            Assert.True(Receive(fastOpener, sequence, actual, actualTag, out var fromFast));
            Assert.True(Receive(slowOpener, sequence, actual, actualTag, out var fromSlow));
            Assert.True(fromFast.AsSpan().SequenceEqual(packet.AsSpan(4)));
            Assert.Equal(fromSlow, fromFast);
            sequence++;
        }
    }

    [Fact]
    public void AesGcm_libcrypto_rejects_tampering_zeroes_the_output_and_keeps_its_nonce()
    {
        RequireLibcrypto();
        var key = RandomNumberGenerator.GetBytes(16);
        var iv = RandomNumberGenerator.GetBytes(12);
        using var sealer = new AesGcmPacketSealer(key, iv, openSsl: true);
        using var opener = new AesGcmPacketOpener(key, iv, openSsl: true);
        var packet = BuildPacket(sealer, 300, new Random(9));
        var original = packet.ToArray();
        var tag = new byte[16];
        sealer.Seal(0, packet, tag);

        foreach (int position in new[] { 0, 3, 4, 100, packet.Length - 1, packet.Length, packet.Length + 15 })
        {
            var wire = packet.ToArray();
            var wireTag = tag.ToArray();
            if (position < wire.Length)
            {
                wire[position] ^= 0x40;
            }
            else
            {
                wireTag[position - wire.Length] ^= 0x40;
            }
            var plaintext = new byte[wire.Length - 4];
            Assert.False(opener.Open(0, wire, wireTag, plaintext));
            Assert.All(plaintext, b => Assert.Equal(0, b));
        }

        // A failed open must not advance the invocation counter, so the genuine packet still opens.
        Assert.True(Receive(opener, 0, packet, tag, out var opened));
        Assert.True(opened.AsSpan().SequenceEqual(original.AsSpan(4)));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void AesGcm_libcrypto_allocates_nothing_per_packet(int keyLength)
    {
        RequireLibcrypto();
        var key = new byte[keyLength];
        var iv = new byte[12];
        using var sealer = new AesGcmPacketSealer(key, iv, openSsl: true);
        using var opener = new AesGcmPacketOpener(key, iv, openSsl: true);
        var packet = BuildPacket(sealer, 1000, new Random(3));
        var tag = new byte[16];
        var plaintext = new byte[packet.Length - 4];
        void RoundTrip(uint sequence)
        {
            sealer.Seal(sequence, packet, tag);
            opener.DecryptLength(sequence, packet);
            Assert.True(opener.Open(sequence, packet, tag, plaintext));
            plaintext.CopyTo(packet.AsSpan(4));
        }
        RoundTrip(0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint sequence = 1; sequence <= 50; sequence++)
        {
            RoundTrip(sequence);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void RequireLibcrypto() =>
        Requires.That(LibCrypto.IsAvailable && OpenSslChaChaPoly.IsSupported, "libcrypto 3 (the BCL's OpenSSL) with ChaCha20 and POLY1305", "install libssl3");
}
