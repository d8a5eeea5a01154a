using SftpKit.Ssh;
using SftpKit.Ssh.Keys;

namespace SftpKit;

/// <summary>The kind of an OpenSSH certificate (PROTOCOL.certkeys <c>type</c> field).</summary>
public enum SshCertificateType
{
    /// <summary>A user certificate (SSH_CERT_TYPE_USER, 1): the only kind accepted for user authentication.</summary>
    User = 1,

    /// <summary>A host certificate (SSH_CERT_TYPE_HOST, 2).</summary>
    Host = 2,
}

/// <summary>
/// An OpenSSH certificate (PROTOCOL.certkeys, <c>*-cert-v01@openssh.com</c>) as carried in a public key blob:
/// ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa certificates. Parsing checks only the structure; whether the
/// certificate may log anyone in (trusted CA, CA signature, validity, principals, critical options) is decided by
/// the server against <see cref="SftpServerOptions.TrustedUserCaKeys"/>. Reach it through
/// <see cref="SshPublicKey.Certificate"/>.
/// </summary>
public sealed class SshCertificate
{
    /// <summary>Most principals a certificate may list; more make the key blob malformed (as OpenSSH's 256).</summary>
    public const int MaxPrincipals = 256;

    /// <summary>Most critical options, and separately most extensions, a certificate may carry. Defaults to 64.</summary>
    public const int MaxOptions = 64;

    private const string CertSuffix = "-cert-v01@openssh.com";

    private readonly byte[] _nonce;
    private readonly byte[] _signedData;
    private readonly byte[] _signature;

    private SshCertificate(byte[] nonce, SshPublicKey key, ulong serial, SshCertificateType type, string keyId,
        IReadOnlyList<string> principals, ulong validAfter, ulong validBefore, IReadOnlyDictionary<string, string> criticalOptions,
        IReadOnlyDictionary<string, string> extensions, SshPublicKey signatureKey, byte[] signedData, byte[] signature)
    {
        _nonce = nonce;
        Key = key;
        Serial = serial;
        Type = type;
        KeyId = keyId;
        Principals = principals;
        ValidAfterSeconds = validAfter;
        ValidBeforeSeconds = validBefore;
        CriticalOptions = criticalOptions;
        Extensions = extensions;
        SignatureKey = signatureKey;
        _signedData = signedData;
        _signature = signature;
    }

    /// <summary>The CA's random nonce.</summary>
    public ReadOnlyMemory<byte> Nonce => _nonce;

    /// <summary>The certified public key (a plain key, never a certificate).</summary>
    public SshPublicKey Key { get; }

    /// <summary>The CA-assigned serial number; 0 when the CA does not use serials.</summary>
    public ulong Serial { get; }

    /// <summary>User or host certificate. Values other than 1 and 2 are kept as they came.</summary>
    public SshCertificateType Type { get; }

    /// <summary>The CA-chosen key identifier (<c>ssh-keygen -I</c>), logged with every certificate login.</summary>
    public string KeyId { get; }

    /// <summary>The names the certificate is valid for (<c>ssh-keygen -n</c>). The server refuses an empty list.</summary>
    public IReadOnlyList<string> Principals { get; }

    /// <summary>Start of validity (inclusive), UTC; <see cref="DateTimeOffset.UnixEpoch"/> for "always".</summary>
    public DateTimeOffset ValidAfter => ToDateTime(ValidAfterSeconds);

    /// <summary>End of validity (exclusive), UTC; <see cref="DateTimeOffset.MaxValue"/> for "forever".</summary>
    public DateTimeOffset ValidBefore => ToDateTime(ValidBeforeSeconds);

    /// <summary>
    /// Critical options by name (e.g. <c>source-address</c> → <c>10.0.0.0/8,192.168.1.5</c>); the value is the
    /// option's string, empty for flag options. The server honours <c>source-address</c> and refuses a certificate
    /// with any other critical option.
    /// </summary>
    public IReadOnlyDictionary<string, string> CriticalOptions { get; }

    /// <summary>Extensions by name (e.g. <c>permit-pty</c>); the value is the extension's string, empty for flags or other data.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; }

    /// <summary>The CA key that signed the certificate.</summary>
    public SshPublicKey SignatureKey { get; }

    internal ulong ValidAfterSeconds { get; }

    internal ulong ValidBeforeSeconds { get; }

    /// <summary>Checks the CA signature over the certificate; SHA-1 <c>ssh-rsa</c> CA signatures are refused (as OpenSSH 8.2+).</summary>
    internal bool VerifyCaSignature() => SignatureKey.VerifySignature(_signedData, _signature, out _);

    /// <summary>The plain key type of a certificate type name, or null when the name is not a supported certificate type.</summary>
    internal static string? PlainKeyType(ReadOnlySpan<byte> certType)
    {
        if (!certType.EndsWith("-cert-v01@openssh.com"u8))
        {
            return null;
        }
        return SshSignatureVerifier.KeyTypeFromName(certType[..^CertSuffix.Length]);
    }

    /// <summary>The plain signature algorithm a certificate algorithm signs with, e.g. rsa-sha2-512-cert-v01@openssh.com → rsa-sha2-512.</summary>
    internal static string? PlainAlgorithm(string certAlgorithm) =>
        certAlgorithm.EndsWith(CertSuffix, StringComparison.Ordinal) ? certAlgorithm[..^CertSuffix.Length] : null;

    /// <summary>Parses a certificate blob whose type name has already been recognised.</summary>
    /// <exception cref="FormatException">The blob is malformed, has trailing data, or its CA key is itself a certificate.</exception>
    internal static SshCertificate Parse(ReadOnlySpan<byte> blob, string plainType)
    {
        try
        {
            var reader = new SshReader(blob);
            reader.ReadBinary();
            byte[] nonce = reader.ReadBinary().ToArray();

            // The key fields sit between nonce and serial: one string (ed25519) or two strings/mpints (ecdsa, rsa),
            // in the same order as the plain key's blob, so the plain blob is the plain name followed by them.
            int keyStart = reader.Position;
            reader.ReadBinary();
            if (plainType != SshKeyAlgorithmNames.Ed25519)
            {
                reader.ReadBinary();
            }
            var keyFields = blob[keyStart..reader.Position];
            using var plain = new SshWriter(keyFields.Length + 32);
            plain.WriteString(plainType).WriteRaw(keyFields);
            var key = SshPublicKey.FromBlob(plain.WrittenSpan);

            ulong serial = reader.ReadUInt64();
            var type = (SshCertificateType)reader.ReadUInt32();
            string keyId = reader.ReadString();
            var principals = ReadPrincipals(reader.ReadBinary());
            ulong validAfter = reader.ReadUInt64();
            ulong validBefore = reader.ReadUInt64();
            var critical = ReadOptions(reader.ReadBinary(), strict: true);
            var extensions = ReadOptions(reader.ReadBinary(), strict: false);
            reader.ReadBinary(); // reserved
            var caBlob = reader.ReadBinary();
            int signedLength = reader.Position;
            byte[] signature = reader.ReadBinary().ToArray();
            if (!reader.End)
            {
                throw new FormatException("Trailing data after the certificate.");
            }
            var ca = SshPublicKey.FromBlob(caBlob);
            if (ca.Certificate is not null)
            {
                throw new FormatException("A certificate's CA key must not itself be a certificate.");
            }
            return new SshCertificate(nonce, key, serial, type, keyId, principals, validAfter, validBefore, critical, extensions, ca,
                blob[..signedLength].ToArray(), signature);
        }
        catch (SshProtocolException e)
        {
            throw new FormatException("Malformed certificate: " + e.Message, e);
        }
    }

    private static List<string> ReadPrincipals(ReadOnlySpan<byte> data)
    {
        var reader = new SshReader(data);
        var principals = new List<string>();
        while (!reader.End)
        {
            if (principals.Count == MaxPrincipals)
            {
                throw new FormatException($"A certificate may list at most {MaxPrincipals} principals.");
            }
            principals.Add(reader.ReadString());
        }
        return principals;
    }

    private static System.Collections.ObjectModel.ReadOnlyDictionary<string, string> ReadOptions(ReadOnlySpan<byte> data, bool strict)
    {
        var reader = new SshReader(data);
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!reader.End)
        {
            if (options.Count == MaxOptions)
            {
                throw new FormatException($"A certificate may carry at most {MaxOptions} options of each kind.");
            }
            string name = reader.ReadString();
            var value = reader.ReadBinary();
            string text = string.Empty;
            if (!value.IsEmpty)
            {
                // Every option defined so far carries one string (or nothing); critical options must be readable
                // because the server acts on them, extensions with other data are kept with an empty value.
                try
                {
                    var inner = new SshReader(value);
                    text = inner.ReadString();
                    if (!inner.End)
                    {
                        throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Trailing data in an option.");
                    }
                }
                catch (SshProtocolException) when (!strict)
                {
                    text = string.Empty;
                }
            }
            // Each option may appear once (PROTOCOL.certkeys); a repeated name could hide a restriction.
            if (!options.TryAdd(name, text))
            {
                throw new FormatException($"Certificate option '{name}' appears twice.");
            }
        }
        return options.AsReadOnly();
    }

    private static DateTimeOffset ToDateTime(ulong seconds) =>
        seconds >= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds((long)seconds);
}
