using System.Security.Cryptography;
using System.Text;
using SftpKit.Ssh;

namespace SftpKit.Tests.Ssh.Keys;

/// <summary>
/// OpenSSH's SSHSIG envelope (PROTOCOL.sshsig): lets ssh-keygen -Y sign/check-novalidate exercise our raw SSH
/// signatures in both directions.
/// </summary>
internal static class SshSig
{
    private const string Label = "SSH SIGNATURE";

    public sealed record Envelope(byte[] PublicKey, string Namespace, string HashAlgorithm, byte[] Signature);

    public static Envelope Parse(string armored)
    {
        var fields = PemEncoding.Find(armored);
        Assert.Equal(Label, armored[fields.Label]);
        byte[] blob = Convert.FromBase64String(armored[fields.Base64Data].ToString());
        var reader = new SshReader(blob);
        Assert.True(reader.ReadBytes(6).SequenceEqual("SSHSIG"u8));
        Assert.Equal(1u, reader.ReadUInt32());
        byte[] publicKey = reader.ReadBinary().ToArray();
        string ns = reader.ReadString();
        reader.ReadBinary();
        string hash = reader.ReadString();
        byte[] signature = reader.ReadBinary().ToArray();
        Assert.True(reader.End);
        return new Envelope(publicKey, ns, hash, signature);
    }

    /// <summary>The bytes actually signed: the preamble, namespace, reserved, hash name and the message's hash.</summary>
    public static byte[] SignedData(string ns, string hashAlgorithm, byte[] message)
    {
        byte[] digest = hashAlgorithm switch
        {
            "sha512" => SHA512.HashData(message),
            "sha256" => SHA256.HashData(message),
            _ => throw new NotSupportedException(hashAlgorithm),
        };
        using var writer = new SshWriter();
        writer.WriteRaw("SSHSIG"u8).WriteString(ns).WriteBinary([]).WriteString(hashAlgorithm).WriteBinary(digest);
        return writer.ToArray();
    }

    public static string Armor(byte[] publicKey, string ns, string hashAlgorithm, byte[] signature)
    {
        using var writer = new SshWriter();
        writer.WriteRaw("SSHSIG"u8).WriteUInt32(1).WriteBinary(publicKey).WriteString(ns).WriteBinary([])
            .WriteString(hashAlgorithm).WriteBinary(signature);
        return new string(PemEncoding.Write(Label, writer.WrittenSpan)) + "\n";
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
