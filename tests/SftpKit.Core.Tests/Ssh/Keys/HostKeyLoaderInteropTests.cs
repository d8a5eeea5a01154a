using SftpKit.Ssh.Keys;

namespace SftpKit.Tests.Ssh.Keys;

public sealed class HostKeyLoaderInteropTests : IClassFixture<SshKeygenKeys>
{
    private static readonly byte[] Message = SshSig.Utf8("exchange hash stand-in \u2603");

    private readonly SshKeygenKeys _keys;

    public HostKeyLoaderInteropTests(SshKeygenKeys keys)
    {
        _keys = keys;
    }

    [Theory]
    [MemberData(nameof(SshKeygenKeys.AllNames), MemberType = typeof(SshKeygenKeys))]
    public void Load_PublicKeyBlobMatchesSshKeygenPub(string name)
    {
        using var key = HostKeyLoader.Load(_keys.PathOf(name));
        var expected = SshPublicKey.ParseAuthorizedKey(File.ReadAllText(_keys.PathOf(name) + ".pub"));

        Assert.Equal(expected.KeyType, key.KeyType);
        Assert.Equal(expected.Blob.ToArray(), key.PublicKeyBlob);
        Assert.Equal(expected.Fingerprint, key.Fingerprint);
        string keygenFingerprint = SshKeygen.Run("-l", "-E", "sha256", "-f", _keys.PathOf(name) + ".pub").Split(' ')[1];
        Assert.Equal(keygenFingerprint, key.Fingerprint);
    }

    [Theory]
    [MemberData(nameof(SshKeygenKeys.OpenSshNames), MemberType = typeof(SshKeygenKeys))]
    public void Load_OpenSshFormat_KeepsComment(string name)
    {
        using var key = HostKeyLoader.Load(_keys.PathOf(name));
        Assert.Equal(SshKeygenKeys.Comment, key.Comment);
    }

    [Theory]
    [MemberData(nameof(SshKeygenKeys.AllNames), MemberType = typeof(SshKeygenKeys))]
    public void Sign_EveryAlgorithm_VerifiesAgainstSshKeygenPub(string name)
    {
        using var key = HostKeyLoader.Load(_keys.PathOf(name), allowRsaSha1: true);
        var publicKey = SshPublicKey.ParseAuthorizedKey(File.ReadAllText(_keys.PathOf(name) + ".pub"));

        foreach (string algorithm in key.SignatureAlgorithms)
        {
            byte[] signature = key.Sign(algorithm, Message);
            Assert.True(publicKey.VerifySignature(Message, signature, out string verifiedAlgorithm, allowSha1: true), algorithm);
            Assert.Equal(algorithm, verifiedAlgorithm);
            Assert.False(publicKey.VerifySignature(Message.AsSpan(1), signature, out _, allowSha1: true), algorithm);
        }
    }

    [Theory]
    [MemberData(nameof(SshKeygenKeys.OpenSshNames), MemberType = typeof(SshKeygenKeys))]
    public void VerifySignature_AcceptsSshKeygenSshsigSignature(string name)
    {
        string dataPath = _keys.PathOf(name + ".data");
        File.WriteAllBytes(dataPath, Message);
        SshKeygen.Run("-Y", "sign", "-q", "-f", _keys.PathOf(name), "-n", "file", dataPath);

        var envelope = SshSig.Parse(File.ReadAllText(dataPath + ".sig"));
        var publicKey = SshPublicKey.FromBlob(envelope.PublicKey);
        byte[] signedData = SshSig.SignedData(envelope.Namespace, envelope.HashAlgorithm, Message);

        Assert.Equal(SshPublicKey.ParseAuthorizedKey(File.ReadAllText(_keys.PathOf(name) + ".pub")), publicKey);
        Assert.True(publicKey.VerifySignature(signedData, envelope.Signature, out string algorithm));
        Assert.Equal(name.StartsWith("rsa", StringComparison.Ordinal) ? "rsa-sha2-512" : publicKey.KeyType, algorithm);
        Assert.False(publicKey.VerifySignature(SshSig.SignedData("other", envelope.HashAlgorithm, Message), envelope.Signature, out _));
    }

    [Theory]
    [MemberData(nameof(SshKeygenKeys.AllNames), MemberType = typeof(SshKeygenKeys))]
    public void Sign_ProducesSignatureSshKeygenAccepts(string name)
    {
        using var key = HostKeyLoader.Load(_keys.PathOf(name));
        byte[] signedData = SshSig.SignedData("file", "sha512", Message);
        foreach (string algorithm in key.SignatureAlgorithms)
        {
            string sigPath = _keys.PathOf($"{name}.{algorithm}.ours.sig");
            File.WriteAllText(sigPath, SshSig.Armor(key.PublicKeyBlob, "file", "sha512", key.Sign(algorithm, signedData)));

            var (exitCode, _, error) = SshKeygen.TryRunTool(SshKeygen.Path, System.Text.Encoding.UTF8.GetString(Message),
                "-Y", "check-novalidate", "-n", "file", "-s", sigPath);
            Assert.True(exitCode == 0, $"{algorithm}: {error}");

            // Control: the same check must fail for a signature over other data, so the pass above means something.
            byte[] wrong = key.Sign(algorithm, SshSig.SignedData("file", "sha512", [.. Message, 0]));
            File.WriteAllText(sigPath, SshSig.Armor(key.PublicKeyBlob, "file", "sha512", wrong));
            (exitCode, _, _) = SshKeygen.TryRunTool(SshKeygen.Path, System.Text.Encoding.UTF8.GetString(Message),
                "-Y", "check-novalidate", "-n", "file", "-s", sigPath);
            Assert.NotEqual(0, exitCode);
        }
    }

    [Fact]
    public void Load_Ed25519Pkcs8FromOpenSsl_MatchesOpenSslPublicKey()
    {
        string path = _keys.PathOf("openssl-ed25519.pem");
        SshKeygen.RunTool("/usr/bin/openssl", null, "genpkey", "-algorithm", "ed25519", "-out", path);
        string publicPem = SshKeygen.RunTool("/usr/bin/openssl", null, "pkey", "-in", path, "-pubout");
        // SubjectPublicKeyInfo for Ed25519 ends with the raw 32-byte key (RFC 8410 §4).
        byte[] spki = Convert.FromBase64String(string.Concat(publicPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));

        using var key = HostKeyLoader.Load(path);

        Assert.Equal("ssh-ed25519", key.KeyType);
        Assert.Equal(spki[^32..], key.PublicKeyBlob[^32..]);
        byte[] signature = key.Sign("ssh-ed25519", Message);
        Assert.True(key.PublicKey.VerifySignature(Message, signature, out _));
    }

    [Theory]
    [MemberData(nameof(SshKeygenKeys.AllNames), MemberType = typeof(SshKeygenKeys))]
    public void Save_WritesOpenSshFormatSshKeygenReads(string name)
    {
        using var key = HostKeyLoader.Load(_keys.PathOf(name));
        string path = _keys.PathOf(name + ".saved");

        HostKeyLoader.Save(key, path);

        string derived = SshKeygen.Run("-y", "-f", path);
        Assert.Equal(AuthorizedKeyTypeAndBase64(File.ReadAllText(_keys.PathOf(name) + ".pub")), AuthorizedKeyTypeAndBase64(derived));
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n", File.ReadAllText(path), StringComparison.Ordinal);
        using var reloaded = HostKeyLoader.Load(path);
        Assert.Equal(key.PublicKeyBlob, reloaded.PublicKeyBlob);
        Assert.Equal(key.Comment, reloaded.Comment);
    }

    internal static string AuthorizedKeyTypeAndBase64(string line) => string.Join(' ', line.Trim().Split(' ').Take(2));
}
