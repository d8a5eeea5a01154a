using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>
/// A server host key: the public blob sent in KEX replies and the private half that signs the exchange hash.
/// Dispose zeroes or disposes the private material.
/// </summary>
internal abstract class SshHostKey : IDisposable
{
    private byte[]? _publicKeyBlob;
    private string? _fingerprint;
    private SshPublicKey? _publicKey;

    protected SshHostKey(string comment)
    {
        Comment = comment;
    }

    /// <summary>The key type as it appears in the public key blob, e.g. <c>ssh-ed25519</c>.</summary>
    public abstract string KeyType { get; }

    /// <summary>Signature algorithms this key can produce, most preferred first.</summary>
    public abstract IReadOnlyList<string> SignatureAlgorithms { get; }

    /// <summary>The comment stored with the key file; empty when there is none.</summary>
    public string Comment { get; }

    protected bool IsDisposed { get; private set; }

    /// <summary>The public key in RFC 4253 §6.6 wire form.</summary>
    public byte[] PublicKeyBlob => _publicKeyBlob ??= BuildPublicKeyBlob();

    /// <summary>SHA256 fingerprint as printed by <c>ssh-keygen -l</c>.</summary>
    public string Fingerprint => _fingerprint ??= SshPublicKey.ComputeFingerprint(PublicKeyBlob);

    /// <summary>The public half, for comparisons and for verifying what this key signed.</summary>
    public SshPublicKey PublicKey => _publicKey ??= SshPublicKey.FromBlob(PublicKeyBlob, Comment.Length == 0 ? null : Comment);

    /// <summary>Signs <paramref name="data"/> and returns the signature blob: string algorithm name || string signature.</summary>
    /// <exception cref="ArgumentException">The algorithm is not one of <see cref="SignatureAlgorithms"/>.</exception>
    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(signatureAlgorithm);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!SignatureAlgorithms.Contains(signatureAlgorithm))
        {
            throw new ArgumentException($"Key type {KeyType} cannot sign with '{signatureAlgorithm}'.", nameof(signatureAlgorithm));
        }
        using var writer = new SshWriter();
        writer.WriteString(signatureAlgorithm);
        WriteSignature(signatureAlgorithm, data, writer);
        return writer.ToArray();
    }

    /// <summary>Writes the algorithm-specific signature as an SSH string.</summary>
    protected abstract void WriteSignature(string signatureAlgorithm, ReadOnlySpan<byte> data, SshWriter writer);

    protected abstract void WritePublicKey(SshWriter writer);

    /// <summary>Writes the key-specific fields of an openssh-key-v1 private section, starting with the key type (sshkey.c order).</summary>
    internal abstract void WriteOpenSshPrivateKey(SshWriter writer);

    private byte[] BuildPublicKeyBlob()
    {
        using var writer = new SshWriter();
        WritePublicKey(writer);
        return writer.ToArray();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        IsDisposed = true;
    }

    /// <summary>Zeroes a buffer that held private material.</summary>
    protected static void Wipe(byte[]? buffer)
    {
        if (buffer is not null)
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
