using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using SftpKit.Ssh;
using SftpKit.Ssh.Keys;

namespace SftpKit;

/// <summary>
/// An SSH public key (RFC 4253 §6.6) of type ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa, or an OpenSSH
/// certificate of one of those types (<c>*-cert-v01@openssh.com</c>, see <see cref="Certificate"/>), as found in an
/// authorized_keys file or offered by a client during public key authentication. Two keys are equal when their blobs are.
/// </summary>
public sealed class SshPublicKey : IEquatable<SshPublicKey>
{
    private readonly byte[] _blob;
    private readonly SshSignatureVerifier _verifier;
    private string? _fingerprint;

    private SshPublicKey(byte[] blob, string keyType, SshSignatureVerifier verifier, string? comment, SshCertificate? certificate)
    {
        _blob = blob;
        KeyType = keyType;
        _verifier = verifier;
        Comment = comment;
        Certificate = certificate;
    }

    /// <summary>
    /// The key type, e.g. <c>ssh-ed25519</c>, <c>ecdsa-sha2-nistp256</c>, <c>ssh-rsa</c> or, for a certificate,
    /// <c>ssh-ed25519-cert-v01@openssh.com</c>.
    /// </summary>
    public string KeyType { get; }

    /// <summary>
    /// The OpenSSH certificate this blob carries; <see langword="null"/> for a plain key. Signatures made with a
    /// certificate are made by <see cref="SshCertificate.Key"/>.
    /// </summary>
    public SshCertificate? Certificate { get; }

    /// <summary>The key in SSH wire form, as it appears base64-encoded in authorized_keys.</summary>
    public ReadOnlyMemory<byte> Blob => _blob;

    /// <summary>The SHA256 fingerprint as printed by <c>ssh-keygen -l</c>, e.g. <c>SHA256:abc…</c> (unpadded base64).</summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint(_blob);

    /// <summary>The comment after the key in authorized_keys form; <see langword="null"/> when there is none.</summary>
    public string? Comment { get; }

    /// <summary>Parses a key blob in SSH wire form.</summary>
    /// <exception cref="FormatException">The blob is malformed, has trailing data or is of an unsupported key type.</exception>
    public static SshPublicKey FromBlob(ReadOnlySpan<byte> blob) => FromBlob(blob, comment: null);

    internal static SshPublicKey FromBlob(ReadOnlySpan<byte> blob, string? comment)
    {
        if (CertificateTypeName(blob, out string? plainType) is { } certType)
        {
            var certificate = SshCertificate.Parse(blob, plainType!);
            return new SshPublicKey(blob.ToArray(), certType, certificate.Key._verifier, comment, certificate);
        }
        var verifier = SshSignatureVerifier.Parse(blob, out string keyType);
        return new SshPublicKey(blob.ToArray(), keyType, verifier, comment, certificate: null);
    }

    /// <summary>The certificate type name at the start of the blob, or null when the blob is not a supported certificate.</summary>
    private static string? CertificateTypeName(ReadOnlySpan<byte> blob, out string? plainType)
    {
        plainType = null;
        try
        {
            var reader = new SshReader(blob);
            var name = reader.ReadBinary();
            plainType = SshCertificate.PlainKeyType(name);
            return plainType is null ? null : System.Text.Encoding.ASCII.GetString(name);
        }
        catch (SshProtocolException)
        {
            return null; // SshSignatureVerifier.Parse reports the malformed blob.
        }
    }

    /// <summary>Parses an authorized_keys line of the form <c>type base64 [comment]</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="line"/> is null.</exception>
    /// <exception cref="FormatException">The line is malformed or the type before the base64 differs from the type inside it.</exception>
    public static SshPublicKey ParseAuthorizedKey(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var span = line.AsSpan().Trim();
        int firstSpace = span.IndexOfAny(' ', '\t');
        if (firstSpace <= 0)
        {
            throw new FormatException("Expected 'type base64 [comment]'.");
        }
        var type = span[..firstSpace];
        span = span[firstSpace..].TrimStart();
        int secondSpace = span.IndexOfAny(' ', '\t');
        var base64 = secondSpace < 0 ? span : span[..secondSpace];
        var comment = secondSpace < 0 ? default : span[secondSpace..].Trim();

        byte[] blob = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        if (!Convert.TryFromBase64Chars(base64, blob, out int length) || length == 0)
        {
            throw new FormatException("The key is not valid base64.");
        }
        var key = FromBlob(blob.AsSpan(0, length), comment.IsEmpty ? null : comment.ToString());
        if (!type.SequenceEqual(key.KeyType))
        {
            throw new FormatException($"The line says '{type}' but the key inside is '{key.KeyType}'.");
        }
        return key;
    }

    /// <summary>Parses an authorized_keys line like <see cref="ParseAuthorizedKey"/>, returning false instead of throwing.</summary>
    public static bool TryParseAuthorizedKey(string line, [NotNullWhen(true)] out SshPublicKey? key)
    {
        try
        {
            key = line is null ? null : ParseAuthorizedKey(line);
        }
        catch (FormatException)
        {
            key = null;
        }
        return key is not null;
    }

    /// <summary>
    /// Verifies a signature blob (string algorithm || string signature) over <paramref name="data"/>. Returns false,
    /// never throws, for a malformed blob, an algorithm that does not fit this key, an RSA key under 2048 bits or a bad
    /// signature.
    /// </summary>
    /// <param name="data">The signed data.</param>
    /// <param name="signatureBlob">The signature in SSH wire form.</param>
    /// <param name="signatureAlgorithm">The algorithm named in the blob when accepted; otherwise empty.</param>
    /// <param name="allowSha1">Whether SHA-1 <c>ssh-rsa</c> signatures are accepted. Defaults to <see langword="false"/>.</param>
    internal bool VerifySignature(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signatureBlob, out string signatureAlgorithm, bool allowSha1 = false)
    {
        signatureAlgorithm = string.Empty;
        ReadOnlySpan<byte> signature;
        string? algorithm;
        try
        {
            var reader = new SshReader(signatureBlob);
            algorithm = _verifier.AcceptAlgorithm(reader.ReadBinary(), allowSha1);
            signature = reader.ReadBinary();
            if (algorithm is null || !reader.End)
            {
                return false;
            }
        }
        catch (SshProtocolException)
        {
            return false;
        }
        try
        {
            if (!_verifier.Verify(algorithm, data, signature))
            {
                return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
        signatureAlgorithm = algorithm;
        return true;
    }

    /// <summary>Whether both keys have the same blob; comments are ignored.</summary>
    public bool Equals(SshPublicKey? other) => other is not null && _blob.AsSpan().SequenceEqual(other._blob);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SshPublicKey);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_blob);
        return hash.ToHashCode();
    }

    /// <summary>Returns the key in authorized_keys form: <c>type base64 [comment]</c>.</summary>
    public override string ToString() =>
        Comment is null ? $"{KeyType} {Convert.ToBase64String(_blob)}" : $"{KeyType} {Convert.ToBase64String(_blob)} {Comment}";

    internal static string ComputeFingerprint(ReadOnlySpan<byte> blob)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(blob, digest);
        return "SHA256:" + Convert.ToBase64String(digest).TrimEnd('=');
    }
}
