using System.Security.Cryptography;
using SftpKit.Ssh;
using SftpKit.Ssh.Keys;

namespace SftpKit.Tests.Ssh.Keys;

public sealed class SshPublicKeyTests
{
    private static readonly byte[] Data = [0x01, 0x02, 0x03, 0x04];

    public static TheoryData<string> KeyTypes() => new("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");

    private static SshHostKey Create(string keyType) => keyType switch
    {
        "ssh-ed25519" => Ed25519HostKey.Generate("me@host"),
        "ssh-rsa" => RsaHostKey.Generate(2048, comment: "me@host"),
        _ => EcdsaHostKey.Generate(EcdsaCurve.FromKeyType(keyType)!, "me@host"),
    };

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void ParseAuthorizedKey_RoundTripsToString(string keyType)
    {
        using var hostKey = Create(keyType);
        string line = hostKey.PublicKey.ToString();

        var parsed = SshPublicKey.ParseAuthorizedKey(line);

        Assert.Equal(keyType, parsed.KeyType);
        Assert.Equal("me@host", parsed.Comment);
        Assert.Equal(hostKey.PublicKeyBlob, parsed.Blob.ToArray());
        Assert.Equal(hostKey.Fingerprint, parsed.Fingerprint);
        Assert.Equal(line, parsed.ToString());
        Assert.Equal(hostKey.PublicKey, parsed);
        Assert.Equal(hostKey.PublicKey.GetHashCode(), parsed.GetHashCode());
    }

    [Fact]
    public void ParseAuthorizedKey_WithoutCommentAndExtraWhitespace()
    {
        using var hostKey = Ed25519HostKey.Generate();
        string base64 = Convert.ToBase64String(hostKey.PublicKeyBlob);

        var parsed = SshPublicKey.ParseAuthorizedKey($"  ssh-ed25519 \t{base64}  \n");

        Assert.Null(parsed.Comment);
        Assert.Equal($"ssh-ed25519 {base64}", parsed.ToString());
        Assert.Equal("a comment with spaces", SshPublicKey.ParseAuthorizedKey($"ssh-ed25519 {base64} a comment with spaces").Comment);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ssh-ed25519")]
    [InlineData("ssh-ed25519 !!!notbase64")]
    [InlineData("ssh-ed25519 AAAA")]
    [InlineData("ssh-dss AAAAB3NzaC1kc3MAAACBAP")]
    public void TryParseAuthorizedKey_Malformed_ReturnsFalse(string line)
    {
        Assert.False(SshPublicKey.TryParseAuthorizedKey(line, out var key));
        Assert.Null(key);
        Assert.Throws<FormatException>(() => SshPublicKey.ParseAuthorizedKey(line));
    }

    [Fact]
    public void ParseAuthorizedKey_MismatchedInnerType_Throws()
    {
        using var hostKey = Ed25519HostKey.Generate();
        string line = "ssh-rsa " + Convert.ToBase64String(hostKey.PublicKeyBlob);

        var e = Assert.Throws<FormatException>(() => SshPublicKey.ParseAuthorizedKey(line));
        Assert.Contains("ssh-ed25519", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void FromBlob_EveryTruncationAndTrailingByte_ThrowsFormatException(string keyType)
    {
        using var hostKey = Create(keyType);
        byte[] blob = hostKey.PublicKeyBlob;

        for (int length = 0; length < blob.Length; length++)
        {
            Assert.Throws<FormatException>(() => SshPublicKey.FromBlob(blob.AsSpan(0, length)));
        }
        Assert.Throws<FormatException>(() => SshPublicKey.FromBlob([.. blob, 0]));
    }

    [Fact]
    public void FromBlob_EcdsaCurveIdentifierMismatch_Throws()
    {
        using var hostKey = EcdsaHostKey.Generate(EcdsaCurve.NistP256);
        var point = ReadFields(hostKey.PublicKeyBlob)[2];
        byte[] blob = Blob(w => w.WriteString("ecdsa-sha2-nistp256").WriteString("nistp384").WriteBinary(point));

        Assert.Throws<FormatException>(() => SshPublicKey.FromBlob(blob));
    }

    [Fact]
    public void FromBlob_EcdsaPointNotOnCurve_Throws()
    {
        using var hostKey = EcdsaHostKey.Generate(EcdsaCurve.NistP256);
        byte[] point = ReadFields(hostKey.PublicKeyBlob)[2];
        point[^1] ^= 0x01;
        byte[] blob = Blob(w => w.WriteString("ecdsa-sha2-nistp256").WriteString("nistp256").WriteBinary(point));

        Assert.Throws<FormatException>(() => SshPublicKey.FromBlob(blob));
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void VerifySignature_TamperedOrMalformed_ReturnsFalseWithoutThrowing(string keyType)
    {
        using var hostKey = Create(keyType);
        var publicKey = hostKey.PublicKey;
        string algorithm = hostKey.SignatureAlgorithms[0];
        byte[] signature = hostKey.Sign(algorithm, Data);
        Assert.True(publicKey.VerifySignature(Data, signature, out string verified));
        Assert.Equal(algorithm, verified);

        for (int i = 0; i < signature.Length; i++)
        {
            byte[] flipped = (byte[])signature.Clone();
            flipped[i] ^= 0x40;
            Assert.False(publicKey.VerifySignature(Data, flipped, out verified), $"flipped byte {i}");
            Assert.Equal(string.Empty, verified);
        }
        for (int length = 0; length < signature.Length; length++)
        {
            Assert.False(publicKey.VerifySignature(Data, signature.AsSpan(0, length), out _), $"truncated to {length}");
        }
        Assert.False(publicKey.VerifySignature(Data, [.. signature, 0], out _));
        Assert.False(publicKey.VerifySignature([9, 9], signature, out _));
    }

    [Fact]
    public void VerifySignature_SignatureOfOtherKeyType_ReturnsFalse()
    {
        using var ed25519 = Ed25519HostKey.Generate();
        using var p256 = EcdsaHostKey.Generate(EcdsaCurve.NistP256);
        using var p384 = EcdsaHostKey.Generate(EcdsaCurve.NistP384);

        Assert.False(p256.PublicKey.VerifySignature(Data, ed25519.Sign("ssh-ed25519", Data), out _));
        Assert.False(p256.PublicKey.VerifySignature(Data, p384.Sign("ecdsa-sha2-nistp384", Data), out _));
        // The right signature relabelled with another curve's name must not pass either.
        var inner = ReadFields(p256.Sign("ecdsa-sha2-nistp256", Data))[1];
        Assert.False(p256.PublicKey.VerifySignature(Data, Blob(w => w.WriteString("ecdsa-sha2-nistp384").WriteBinary(inner)), out _));
    }

    [Fact]
    public void VerifySignature_EcdsaNonMinimalMpint_ReturnsFalse()
    {
        using var key = EcdsaHostKey.Generate(EcdsaCurve.NistP256);
        byte[] signatureBlob = key.Sign("ecdsa-sha2-nistp256", Data);
        var reader = new SshReader(ReadFields(signatureBlob)[1]);
        byte[] r = reader.ReadMpintBytes().ToArray();
        byte[] s = reader.ReadMpintBytes().ToArray();
        byte[] padded = Blob(w => w.WriteString("ecdsa-sha2-nistp256").WriteBinary(Blob(i => i.WriteBinary([0, 0, .. r]).WriteBinary(s))));

        Assert.False(key.PublicKey.VerifySignature(Data, padded, out _));
    }

    [Fact]
    public void VerifySignature_RsaSignatureWithLeadingZerosStripped_IsAccepted()
    {
        // RFC 8332 §3 lets verifiers accept signatures shorter than the modulus; find one that starts with 0x00.
        using var rsa = RSA.Create(2048);
        using var key = new RsaHostKey(rsa);
        for (int attempt = 0; attempt < 4096; attempt++)
        {
            byte[] data = BitConverter.GetBytes(attempt);
            byte[] raw = ReadFields(key.Sign("rsa-sha2-256", data))[1];
            if (raw[0] == 0)
            {
                byte[] shortened = Blob(w => w.WriteString("rsa-sha2-256").WriteBinary(raw.AsSpan(1)));
                Assert.True(key.PublicKey.VerifySignature(data, shortened, out _));
                return;
            }
        }
        Assert.Fail("No signature with a leading zero byte in 4096 attempts.");
    }

    [Fact]
    public void VerifySignature_Rsa1024_Rejected()
    {
        using var rsa = RSA.Create(1024);
        var parameters = rsa.ExportParameters(false);
        byte[] blob = Blob(w => w.WriteString("ssh-rsa").WriteMpintFromUnsigned(parameters.Exponent).WriteMpintFromUnsigned(parameters.Modulus));
        byte[] raw = rsa.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        byte[] signature = Blob(w => w.WriteString("rsa-sha2-256").WriteBinary(raw));

        var publicKey = SshPublicKey.FromBlob(blob);

        Assert.False(publicKey.VerifySignature(Data, signature, out _));
        Assert.Throws<ArgumentException>(() => new RsaHostKey(rsa));
    }

    [Fact]
    public void Equals_ComparesBlobsOnly()
    {
        using var a = Ed25519HostKey.Generate("one");
        using var b = Ed25519HostKey.Generate("one");
        var withOtherComment = SshPublicKey.ParseAuthorizedKey($"ssh-ed25519 {Convert.ToBase64String(a.PublicKeyBlob)} two");

        Assert.Equal(a.PublicKey, withOtherComment);
        Assert.NotEqual(a.PublicKey, b.PublicKey);
        Assert.False(a.PublicKey.Equals(null));
    }

    private static byte[] Blob(Action<SshWriter> write)
    {
        using var writer = new SshWriter();
        write(writer);
        return writer.ToArray();
    }

    private static List<byte[]> ReadFields(byte[] blob)
    {
        var fields = new List<byte[]>();
        var reader = new SshReader(blob);
        while (!reader.End)
        {
            fields.Add(reader.ReadBinary().ToArray());
        }
        return fields;
    }
}
