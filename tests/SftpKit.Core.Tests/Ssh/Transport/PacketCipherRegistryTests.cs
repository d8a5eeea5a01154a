using SftpKit.Ssh.Transport;

namespace SftpKit.Tests.Ssh.Transport;

public sealed class PacketCipherRegistryTests
{
    public static TheoryData<CipherSuite> Suites => PacketCipherFixtures.AllSuites();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Alignment_and_tag_properties_match_what_each_mode_requires(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        using var opener = suite.CreateOpener();
        var cipher = suite.CipherInfo;
        bool etm = suite.MacInfo?.EncryptThenMac ?? false;

        // AEAD and -etm send the length outside the aligned region (OpenSSH packet.c aadlen); classic MACs do not.
        bool excluded = cipher.IsAead || etm;
        int expectedBlock = cipher.Name == PacketCipherRegistry.ChaCha20Poly1305 ? 8 : 16;
        int expectedTag = cipher.IsAead ? 16 : suite.MacInfo!.TagLength;

        foreach (var (block, tag, lengthExcluded) in new[] { (sealer.BlockSize, sealer.TagLength, sealer.LengthExcludedFromAlignment), (opener.BlockSize, opener.TagLength, opener.LengthExcludedFromAlignment) })
        {
            Assert.Equal(expectedBlock, block);
            Assert.Equal(cipher.BlockSize, block);
            Assert.Equal(expectedTag, tag);
            Assert.Equal(excluded, lengthExcluded);
        }
        // Encrypted lengths need a whole cipher block before they can be read, except ChaCha's separate length key.
        Assert.Equal(excluded ? 4 : 16, opener.FirstBlockLength);
    }

    [Fact]
    public void None_uses_8_byte_alignment_with_length_included_and_no_tag()
    {
        using var sealer = PacketCipherRegistry.NoneSealer();
        using var opener = PacketCipherRegistry.NoneOpener();

        Assert.Equal(8, sealer.BlockSize);
        Assert.Equal(0, sealer.TagLength);
        Assert.False(sealer.LengthExcludedFromAlignment);
        Assert.Equal(8, opener.BlockSize);
        Assert.Equal(0, opener.TagLength);
        Assert.False(opener.LengthExcludedFromAlignment);
        Assert.Equal(4, opener.FirstBlockLength);
    }

    [Fact]
    public void Registry_lists_the_documented_key_and_iv_sizes()
    {
        var sizes = PacketCipherRegistry.AllCiphers.ToDictionary(c => c.Name, c => (c.KeyLength, c.IvLength, c.BlockSize, c.IsAead));

        Assert.Equal((64, 0, 8, true), sizes["chacha20-poly1305@openssh.com"]);
        Assert.Equal((16, 12, 16, true), sizes["aes128-gcm@openssh.com"]);
        Assert.Equal((32, 12, 16, true), sizes["aes256-gcm@openssh.com"]);
        Assert.Equal((16, 16, 16, false), sizes["aes128-ctr"]);
        Assert.Equal((24, 16, 16, false), sizes["aes192-ctr"]);
        Assert.Equal((32, 16, 16, false), sizes["aes256-ctr"]);
        Assert.All(PacketCipherRegistry.AllCiphers, c => Assert.False(c.IsLegacy));
    }

    [Fact]
    public void Registry_marks_only_sha1_macs_legacy()
    {
        var macs = PacketCipherRegistry.AllMacs.ToDictionary(m => m.Name);

        Assert.Equal(6, macs.Count);
        Assert.Equal(new MacInfo("hmac-sha2-256-etm@openssh.com", 32, 32, true, false), macs["hmac-sha2-256-etm@openssh.com"]);
        Assert.Equal(new MacInfo("hmac-sha2-512-etm@openssh.com", 64, 64, true, false), macs["hmac-sha2-512-etm@openssh.com"]);
        Assert.Equal(new MacInfo("hmac-sha2-256", 32, 32, false, false), macs["hmac-sha2-256"]);
        Assert.Equal(new MacInfo("hmac-sha2-512", 64, 64, false, false), macs["hmac-sha2-512"]);
        Assert.Equal(new MacInfo("hmac-sha1", 20, 20, false, true), macs["hmac-sha1"]);
        Assert.Equal(new MacInfo("hmac-sha1-etm@openssh.com", 20, 20, true, true), macs["hmac-sha1-etm@openssh.com"]);
    }

    [Fact]
    public void TryGet_is_exact_and_case_sensitive()
    {
        Assert.True(PacketCipherRegistry.TryGetCipher("aes128-ctr", out _));
        Assert.False(PacketCipherRegistry.TryGetCipher("AES128-CTR", out _));
        Assert.False(PacketCipherRegistry.TryGetCipher("aes128-cbc", out _));
        Assert.False(PacketCipherRegistry.TryGetMac("hmac-md5", out _));
        Assert.False(PacketCipherRegistry.TryGetMac("umac-64@openssh.com", out _));
    }

    [Fact]
    public void Create_rejects_wrong_key_iv_or_missing_mac()
    {
        PacketCipherRegistry.TryGetCipher("aes256-ctr", out var ctr);
        PacketCipherRegistry.TryGetCipher("aes128-gcm@openssh.com", out var gcm);
        PacketCipherRegistry.TryGetMac("hmac-sha2-256", out var mac);

        Assert.Throws<ArgumentException>(() => PacketCipherRegistry.CreateSealer(ctr!, new byte[16], new byte[16], mac, new byte[32]));
        Assert.Throws<ArgumentException>(() => PacketCipherRegistry.CreateOpener(ctr!, new byte[32], new byte[12], mac, new byte[32]));
        Assert.Throws<ArgumentException>(() => PacketCipherRegistry.CreateSealer(ctr!, new byte[32], new byte[16], mac, new byte[20]));
        Assert.Throws<ArgumentNullException>(() => PacketCipherRegistry.CreateSealer(ctr!, new byte[32], new byte[16], null, []));
        Assert.Throws<ArgumentException>(() => PacketCipherRegistry.CreateSealer(gcm!, new byte[16], new byte[16], null, []));
        Assert.Throws<ArgumentException>(() => PacketCipherRegistry.CreateSealer(new CipherInfo("aes128-cbc", 16, 16, 16, false, true), new byte[16], new byte[16], mac, new byte[32]));
    }

    [Fact]
    public void Aead_ciphers_ignore_the_negotiated_mac()
    {
        PacketCipherRegistry.TryGetCipher("aes128-gcm@openssh.com", out var gcm);
        PacketCipherRegistry.TryGetMac("hmac-sha2-512", out var mac);

        using var sealer = PacketCipherRegistry.CreateSealer(gcm!, new byte[16], new byte[12], mac, new byte[3]);

        Assert.Equal(16, sealer.TagLength);
    }
}
