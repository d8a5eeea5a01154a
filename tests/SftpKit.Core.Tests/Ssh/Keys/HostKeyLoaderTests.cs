using System.Runtime.Versioning;
using SftpKit.Ssh.Keys;

namespace SftpKit.Tests.Ssh.Keys;

public sealed class HostKeyLoaderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-hostkeys-" + Guid.NewGuid().ToString("N"));

    public HostKeyLoaderTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void LoadOrGenerate_EmptyDirectory_CreatesThreeOwnerOnlyKeysSshKeygenReads()
    {
        string hostKeys = Path.Combine(_directory, "keys");

        var keys = HostKeyLoader.LoadOrGenerate(hostKeys);
        try
        {
            Assert.Equal(["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"], keys.Select(k => k.KeyType));
            Assert.Equal(3072, ((RsaHostKey)keys[2]).KeySize);
            foreach (var (key, file) in keys.Zip(new[] { "ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key" }))
            {
                string path = Path.Combine(hostKeys, file);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                string ours = File.ReadAllText(path + ".pub");
                Assert.Equal(key.PublicKey.ToString() + "\n", ours);
                Assert.Equal(
                    HostKeyLoaderInteropTests.AuthorizedKeyTypeAndBase64(ours),
                    HostKeyLoaderInteropTests.AuthorizedKeyTypeAndBase64(SshKeygen.Run("-y", "-f", path)));
            }
            Assert.Empty(Directory.GetFiles(hostKeys, "*.tmp"));
        }
        finally
        {
            DisposeAll(keys);
        }
    }

    [Fact]
    public void LoadOrGenerate_SecondCall_ReusesKeysUnchanged()
    {
        var first = HostKeyLoader.LoadOrGenerate(_directory);
        var before = Directory.GetFiles(_directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var second = HostKeyLoader.LoadOrGenerate(_directory);
        try
        {
            Assert.Equal(first.Select(k => k.Fingerprint).Order(StringComparer.Ordinal), second.Select(k => k.Fingerprint).Order(StringComparer.Ordinal));
            Assert.Equal(before, Directory.GetFiles(_directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList());
        }
        finally
        {
            DisposeAll(first);
            DisposeAll(second);
        }
    }

    [Fact]
    public void LoadOrGenerate_ExistingKey_LoadsOnlyItWithoutGenerating()
    {
        SshKeygen.Run("-t", "ed25519", "-N", "", "-q", "-f", Path.Combine(_directory, "ssh_host_ed25519_key"));

        var keys = HostKeyLoader.LoadOrGenerate(_directory);
        try
        {
            Assert.Equal("ssh-ed25519", Assert.Single(keys).KeyType);
            Assert.Equal(2, Directory.GetFiles(_directory).Length);
        }
        finally
        {
            DisposeAll(keys);
        }
    }

    [Theory]
    [InlineData("ed25519", null)]
    [InlineData("rsa", null)]
    [InlineData("rsa", "PEM")]
    [InlineData("ecdsa", "PKCS8")]
    public void Load_EncryptedKey_SaysPassphrasesAreUnsupported(string type, string? format)
    {
        string path = Path.Combine(_directory, "encrypted");
        string[] args = ["-t", type, "-N", "secret", "-q", "-f", path];
        SshKeygen.Run(format is null ? args : [.. args, "-m", format]);

        var e = Assert.Throws<NotSupportedException>(() => HostKeyLoader.Load(path));
        Assert.Contains("passphrase", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongCheckInts_Throws()
    {
        byte[] data = GenerateOpenSshKeyBytes("ed25519");
        data[CheckIntOffset(data) + 4] ^= 0x01;

        var e = Assert.Throws<InvalidDataException>(() => HostKeyLoader.Load(WriteArmored(data)));
        Assert.Contains("check integers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PublicKeyNotMatchingPrivateKey_Throws()
    {
        byte[] data = GenerateOpenSshKeyBytes("ed25519");
        // The last byte of the public key blob in the header.
        data[CheckIntOffset(data) - 5] ^= 0x01;

        Assert.Throws<InvalidDataException>(() => HostKeyLoader.Load(WriteArmored(data)));
    }

    [Fact]
    public void Load_EveryTruncation_ThrowsInvalidData()
    {
        byte[] data = GenerateOpenSshKeyBytes("ecdsa");
        for (int length = 0; length < data.Length; length++)
        {
            string path = WriteArmored(data[..length]);
            var e = Record.Exception(() => HostKeyLoader.Load(path));
            Assert.True(e is InvalidDataException, $"length {length}: {e}");
        }
    }

    [Fact]
    public void Load_Rsa1024_RefusedAsTooSmall()
    {
        string path = Path.Combine(_directory, "small");
        SshKeygen.Run("-t", "rsa", "-b", "1024", "-N", "", "-q", "-f", path);

        var e = Assert.Throws<InvalidDataException>(() => HostKeyLoader.Load(path));
        Assert.Contains("2048", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAKey_Throws()
    {
        string path = Path.Combine(_directory, "garbage");
        File.WriteAllText(path, "hello\n");
        Assert.Throws<InvalidDataException>(() => HostKeyLoader.Load(path));
    }

    [Fact]
    public void RsaHostKey_Sha1OnlyWhenAllowed()
    {
        using var strict = RsaHostKey.Generate(2048);
        using var legacy = RsaHostKey.Generate(2048, allowSha1: true);

        Assert.Equal(["rsa-sha2-512", "rsa-sha2-256"], strict.SignatureAlgorithms);
        Assert.Equal(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"], legacy.SignatureAlgorithms);
        Assert.Throws<ArgumentException>(() => strict.Sign("ssh-rsa", [1, 2, 3]));
        byte[] sha1 = legacy.Sign("ssh-rsa", [1, 2, 3]);
        Assert.False(legacy.PublicKey.VerifySignature([1, 2, 3], sha1, out _));
        Assert.True(legacy.PublicKey.VerifySignature([1, 2, 3], sha1, out string algorithm, allowSha1: true));
        Assert.Equal("ssh-rsa", algorithm);
    }

    [Fact]
    public void Sign_AfterDispose_Throws()
    {
        var key = Ed25519HostKey.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign("ssh-ed25519", [1]));
    }

    private byte[] GenerateOpenSshKeyBytes(string type)
    {
        string path = Path.Combine(_directory, "source-" + type);
        SshKeygen.Run("-t", type, "-N", "", "-q", "-f", path);
        string text = File.ReadAllText(path);
        return Convert.FromBase64String(string.Concat(text.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
    }

    /// <summary>Offset of checkint1: magic, "none", "none", empty kdf options, key count, public blob, section length.</summary>
    private static int CheckIntOffset(byte[] data)
    {
        int offset = 15 + 8 + 8 + 4 + 4;
        int publicLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset));
        return offset + 4 + publicLength + 4;
    }

    private string WriteArmored(byte[] data)
    {
        string path = Path.Combine(_directory, "modified-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, PemArmor.Encode("OPENSSH PRIVATE KEY", data));
        return path;
    }

    private static void DisposeAll(IEnumerable<SshHostKey> keys)
    {
        foreach (var key in keys)
        {
            key.Dispose();
        }
    }
}
