using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using SftpKit.Ssh.Transport;
using SftpKit.Ssh.Transport.OpenSsl;
using static SftpKit.Tests.Ssh.Transport.PacketCipherFixtures;

namespace SftpKit.Tests.Ssh.Transport;

public sealed class PacketCipherKnownAnswerTests
{
    // NIST SP 800-38A F.5.1/F.5.3/F.5.5 (CTR-AES128/192/256.Encrypt): shared counter block and plaintext.
    private const string NistCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    private const string NistPlaintext =
        "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

    [Theory]
    [InlineData("2b7e151628aed2a6abf7158809cf4f3c",
        "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff 5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee")]
    [InlineData("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
        "1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94 1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050")]
    [InlineData("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5 2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6")]
    public void AesCtr_matches_NIST_SP800_38A_F5(string key, string ciphertext)
    {
        using var keystream = new AesCtrKeystream(Hex(key), Hex(NistCounter));
        var data = Hex(NistPlaintext);

        // Odd chunk sizes: the keystream must continue seamlessly across calls, as it does across packets.
        keystream.Transform(data.AsSpan(0, 5), data.AsSpan(0, 5));
        keystream.Transform(data.AsSpan(5, 30), data.AsSpan(5, 30));
        keystream.Transform(data.AsSpan(35), data.AsSpan(35));

        Assert.Equal(Hex(ciphertext), data);
    }

    [Fact]
    public void Encrypt_and_MAC_seals_the_whole_packet_with_CTR_and_MACs_the_plaintext()
    {
        var key = Hex("2b7e151628aed2a6abf7158809cf4f3c");
        var macKey = Pattern(32, 3);
        PacketCipherRegistry.TryGetCipher(PacketCipherRegistry.Aes128Ctr, out var cipher);
        PacketCipherRegistry.TryGetMac(PacketCipherRegistry.HmacSha256, out var mac);
        using var sealer = PacketCipherRegistry.CreateSealer(cipher!, key, Hex(NistCounter), mac, macKey);
        var packet = Hex(NistPlaintext);
        var tag = new byte[32];

        sealer.Seal(0x01020304, packet, tag);

        Assert.Equal(Hex("874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff 5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"), packet);
        Assert.Equal(HMACSHA256.HashData(macKey, (byte[])[1, 2, 3, 4, .. Hex(NistPlaintext)]), tag);
    }

    [Fact]
    public void Encrypt_then_MAC_leaves_length_clear_and_MACs_the_ciphertext()
    {
        var key = Hex("2b7e151628aed2a6abf7158809cf4f3c");
        var macKey = Pattern(64, 3);
        PacketCipherRegistry.TryGetCipher(PacketCipherRegistry.Aes128Ctr, out var cipher);
        PacketCipherRegistry.TryGetMac(PacketCipherRegistry.HmacSha512Etm, out var mac);
        using var sealer = PacketCipherRegistry.CreateSealer(cipher!, key, Hex(NistCounter), mac, macKey);
        var packet = new byte[4 + 64];
        BinaryPrimitives.WriteUInt32BigEndian(packet, 64);
        Hex(NistPlaintext).CopyTo(packet, 4);
        var tag = new byte[64];

        sealer.Seal(7, packet, tag);

        Assert.Equal(new byte[] { 0, 0, 0, 64 }, packet[..4]);
        Assert.Equal(Hex("874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff 5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"), packet[4..]);
        Assert.Equal(HMACSHA512.HashData(macKey, (byte[])[0, 0, 0, 7, .. packet]), tag);
    }

    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("0123456789abcdeffffffffffffffff0")]
    [InlineData("ffffffffffffffffffffffffffffffe0")]
    public void AesCtr_counter_carries_across_64_bit_halves_and_wraps(string iv)
    {
        var key = Pattern(32, 9);
        var data = new byte[3 * AesCtrKeystream.BatchLength + 123];
        new Random(11).NextBytes(data);
        var expected = ReferenceCtr(key, Hex(iv), data);

        using var keystream = new AesCtrKeystream(key, Hex(iv));
        int offset = 0;
        foreach (int chunk in new[] { 1, 15, 16, 17, 8191, 1, 8192, 4000 })
        {
            keystream.Transform(data.AsSpan(offset, chunk), data.AsSpan(offset, chunk));
            offset += chunk;
        }
        keystream.Transform(data.AsSpan(offset), data.AsSpan(offset));

        Assert.Equal(expected, data);
    }

    // RFC 4231 §4.2/§4.3 and RFC 2202 §3: the first four message bytes stand in for the SSH sequence number.
    [Theory]
    [InlineData("SHA256", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData("SHA256", "4a656665", "what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("SHA512", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")]
    [InlineData("SHA512", "4a656665", "what do ya want for nothing?",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")]
    [InlineData("SHA1", "4a656665", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")]
    public void PacketMac_matches_RFC_4231_and_RFC_2202(string hash, string key, string message, string expected)
    {
        var data = Encoding.ASCII.GetBytes(message);
        var tag = Hex(expected);
        using var mac = new PacketMac(new HashAlgorithmName(hash), tag.Length, Hex(key));
        var output = new byte[tag.Length];

        mac.Begin(BinaryPrimitives.ReadUInt32BigEndian(data));
        mac.Append(data.AsSpan(4));
        mac.Finish(output);
        Assert.Equal(tag, output);

        // The hash object is reused per packet, so a second run must not see the first.
        mac.Begin(BinaryPrimitives.ReadUInt32BigEndian(data));
        mac.Append(data.AsSpan(4));
        Assert.True(mac.FinishAndVerify(tag));
    }

    [Theory]
    [InlineData(0u, 0)]
    [InlineData(1u, 1)]
    [InlineData(0x01020304u, 59)]
    [InlineData(0x7fffffffu, 60)]
    [InlineData(uint.MaxValue, 1000)]
    public void ChaCha20Poly1305_matches_an_independent_construction(uint sequence, int payloadLength)
    {
        var key = Pattern(64, 0x21);
        var suite = new CipherSuite(PacketCipherRegistry.ChaCha20Poly1305, null);
        using var sealer = PacketCipherRegistry.CreateSealer(suite.CipherInfo, key, [], null, []);
        var packet = BuildPacket(sealer, payloadLength, new Random(payloadLength));
        var (expectedWire, expectedTag) = ReferenceOpenSshChaChaPoly(key, sequence, packet);
        var tag = new byte[16];

        sealer.Seal(sequence, packet, tag);

        Assert.Equal(expectedWire, packet);
        Assert.Equal(expectedTag, tag);
    }

    // ChaChaPolyRoutes is internal, so the theory takes its value: 0 public BouncyCastle, 1 BCL payload,
    // 2 in-place re-key, 3 both, 4–7 libcrypto (which wins over the others where it is usable).
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void ChaCha20Poly1305_every_route_matches_the_independent_construction_and_opens_the_others(int route)
    {
        var routes = (ChaChaPolyRoutes)route;
        var key = Pattern(64, 0x43);
        using var sealer = new ChaCha20Poly1305PacketSealer(key, routes);
        using var opener = new ChaCha20Poly1305PacketOpener(key, routes);
        using var otherOpener = new ChaCha20Poly1305PacketOpener(key, ChaChaPolyRoutes.Fastest ^ routes);
        // Several packets through the same objects: per-packet re-nonce/re-key state must not leak between them.
        foreach (var (sequence, payloadLength) in new[] { (0u, 0), (1u, 1), (2u, 64), (0xfffffffeu, 4096), (uint.MaxValue, 33) })
        {
            var packet = BuildPacket(sealer, payloadLength, new Random(payloadLength));
            var original = packet.ToArray();
            var (expectedWire, expectedTag) = ReferenceOpenSshChaChaPoly(key, sequence, packet);
            var tag = new byte[16];

            sealer.Seal(sequence, packet, tag);

            Assert.Equal(expectedWire, packet);
            Assert.Equal(expectedTag, tag);
            foreach (var o in new[] { opener, otherOpener })
            {
                Assert.Equal((uint)(original.Length - 4), o.DecryptLength(sequence, packet));
                var plaintext = new byte[original.Length - 4];
                Assert.True(o.Open(sequence, packet, tag, plaintext));
                Assert.Equal(original.AsSpan(4).ToArray(), plaintext);
            }
        }
    }

    [Fact]
    public void ChaCha20Poly1305_takes_the_fast_routes_where_available()
    {
        using var sealer = new ChaCha20Poly1305PacketSealer(Pattern(64, 1));
        using var opener = new ChaCha20Poly1305PacketOpener(Pattern(64, 1));

        // The BCL route depends on the platform's crypto library; the in-place re-key only on the pinned
        // BouncyCastle, so a failure here after a BouncyCastle upgrade means the allocation-free path was lost.
        Assert.Equal(System.Security.Cryptography.ChaCha20Poly1305.IsSupported && !OpenSslChaChaPoly.IsSupported, sealer.Construction.UsesBclPayload);
        Assert.Equal(System.Security.Cryptography.ChaCha20Poly1305.IsSupported && !OpenSslChaChaPoly.IsSupported, opener.Construction.UsesBclPayload);
        Assert.Equal(OpenSslChaChaPoly.IsSupported, sealer.Construction.UsesOpenSsl);
        Assert.Equal(OpenSslChaChaPoly.IsSupported, opener.Construction.UsesOpenSsl);
        using var fallback = new ChaCha20Poly1305PacketSealer(Pattern(64, 1), ChaChaPolyRoutes.Fastest & ~ChaChaPolyRoutes.OpenSsl);
        Assert.False(fallback.Construction.UsesOpenSsl);
        Assert.True(fallback.Construction.RekeysInPlace);
    }

    // 7: the default (libcrypto where usable), 3: the BCL + BouncyCastle fallback.
    [Theory]
    [InlineData(7)]
    [InlineData(3)]
    public void ChaCha20Poly1305_allocates_nothing_per_packet(int route)
    {
        var key = Pattern(64, 2);
        using var sealer = new ChaCha20Poly1305PacketSealer(key, (ChaChaPolyRoutes)route);
        using var opener = new ChaCha20Poly1305PacketOpener(key, (ChaChaPolyRoutes)route);
        var packet = BuildPacket(sealer, 1000, new Random(3));
        var tag = new byte[16];
        var plaintext = new byte[packet.Length - 4];
        void RoundTrip(uint sequence)
        {
            sealer.Seal(sequence, packet, tag);
            opener.DecryptLength(sequence, packet);
            Assert.True(opener.Open(sequence, packet, tag, plaintext));
            plaintext.AsSpan(0, packet.Length - 4).CopyTo(packet.AsSpan(4)); // back to plaintext; length re-encrypted next seal
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(packet.Length - 4));
        }
        RoundTrip(0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint sequence = 1; sequence <= 50; sequence++)
        {
            RoundTrip(sequence);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void AesGcm_nonce_counter_advances_per_packet_and_wraps_inside_its_8_bytes()
    {
        var key = Pattern(32, 0x31);
        var iv = Hex("a1a2a3a4 fffffffffffffffe");
        PacketCipherRegistry.TryGetCipher(PacketCipherRegistry.Aes256Gcm, out var cipher);
        using var sealer = PacketCipherRegistry.CreateSealer(cipher!, key, iv, null, []);
        using var reference = new AesGcm(key, 16);
        string[] nonces = ["a1a2a3a4fffffffffffffffe", "a1a2a3a4ffffffffffffffff", "a1a2a3a40000000000000000", "a1a2a3a40000000000000001"];

        for (int i = 0; i < nonces.Length; i++)
        {
            var packet = BuildPacket(sealer, 100 + i, new Random(i));
            var expected = packet.ToArray();
            var expectedTag = new byte[16];
            reference.Encrypt(Hex(nonces[i]), expected.AsSpan(4), expected.AsSpan(4), expectedTag, expected.AsSpan(0, 4));
            var tag = new byte[16];

            // The sequence number plays no part in GCM; pass something unrelated to prove it.
            sealer.Seal((uint)(1000 - i), packet, tag);

            Assert.Equal(expected, packet);
            Assert.Equal(expectedTag, tag);
        }
    }

    /// <summary>One AES-ECB call per block with a UInt128 counter: deliberately naive, sharing no code with the CTR class.</summary>
    private static byte[] ReferenceCtr(byte[] key, byte[] iv, byte[] data)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var counter = BinaryPrimitives.ReadUInt128BigEndian(iv);
        var output = new byte[data.Length];
        var block = new byte[16];
        for (int offset = 0; offset < data.Length; offset += 16)
        {
            BinaryPrimitives.WriteUInt128BigEndian(block, counter);
            var ks = aes.EncryptEcb(block, PaddingMode.None);
            for (int j = 0; j < 16 && offset + j < data.Length; j++)
            {
                output[offset + j] = (byte)(data[offset + j] ^ ks[j]);
            }
            counter = unchecked(counter + 1);
        }
        return output;
    }

    /// <summary>
    /// PROTOCOL.chacha20poly1305 written with the original (64-bit nonce, 64-bit counter) ChaCha engine, unlike the
    /// production code's RFC 7539 engine, so a nonce/counter layout mistake shows up as a mismatch.
    /// </summary>
    private static (byte[] Wire, byte[] Tag) ReferenceOpenSshChaChaPoly(byte[] key, uint sequence, byte[] packet)
    {
        var nonce = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, sequence);
        var wire = new byte[packet.Length];

        var lengthCipher = new ChaChaEngine(20);
        lengthCipher.Init(true, new ParametersWithIV(new KeyParameter(key, 32, 32), nonce));
        lengthCipher.ProcessBytes(packet, 0, 4, wire, 0);

        var payloadCipher = new ChaChaEngine(20);
        payloadCipher.Init(true, new ParametersWithIV(new KeyParameter(key, 0, 32), nonce));
        var polyKey = new byte[64];
        payloadCipher.ProcessBytes(new byte[64], 0, 64, polyKey, 0);
        payloadCipher.ProcessBytes(packet, 4, packet.Length - 4, wire, 4);

        var poly = new Poly1305();
        poly.Init(new KeyParameter(polyKey, 0, 32));
        poly.BlockUpdate(wire, 0, wire.Length);
        var tag = new byte[16];
        poly.DoFinal(tag, 0);
        return (wire, tag);
    }
}
