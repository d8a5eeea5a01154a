using System.Formats.Asn1;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Keys;

/// <summary>
/// Reads the unencrypted PEM private keys <c>ssh-keygen -m PEM/PKCS8</c> (and OpenSSL) write: PKCS#1 RSA, SEC1 EC and
/// PKCS#8 RSA/EC/Ed25519, plus the OpenSSH armor. Errors are <see cref="InvalidDataException"/>; encryption and
/// unsupported key types are <see cref="NotSupportedException"/>.
/// </summary>
internal static class PemPrivateKeyReader
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string Ed25519Oid = "1.3.101.112";

    private const string PassphraseMessage =
        "The private key is encrypted with a passphrase; SftpKit does not support passphrase-protected host keys yet. " +
        "Remove the passphrase with 'ssh-keygen -p -N \"\" -f <file>'.";

    public static SshHostKey Read(ReadOnlySpan<char> text, bool allowRsaSha1)
    {
        // Legacy OpenSSL encryption puts RFC 1421 headers inside the armor, which RFC 7468 parsing rejects; catch it first.
        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal)
            || text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new NotSupportedException(PassphraseMessage);
        }
        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw new InvalidDataException("No PEM or OpenSSH private key found.");
        }
        var label = text[fields.Label];
        byte[] der = new byte[fields.DecodedDataLength];
        try
        {
            if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out int length) || length != der.Length)
            {
                throw new InvalidDataException("The private key is not valid base64.");
            }
            return label switch
            {
                OpenSshPrivateKeyFormat.PemLabel => OpenSshPrivateKeyFormat.Read(der, allowRsaSha1),
                "RSA PRIVATE KEY" => ImportRsa(text, allowRsaSha1),
                "EC PRIVATE KEY" => ImportEcdsa(text),
                "PRIVATE KEY" => ReadPkcs8(text, der, allowRsaSha1),
                _ => throw new NotSupportedException($"Unsupported private key type '{label}'."),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static SshHostKey ReadPkcs8(ReadOnlySpan<char> text, byte[] der, bool allowRsaSha1)
    {
        string algorithm;
        try
        {
            // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier { algorithm OID, parameters }, privateKey OCTET STRING, ... }
            var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            var algorithmId = info.ReadSequence();
            algorithm = algorithmId.ReadObjectIdentifier();
            if (algorithm == Ed25519Oid)
            {
                if (algorithmId.HasData)
                {
                    throw new InvalidDataException("Ed25519 PKCS#8 keys have no algorithm parameters.");
                }
                // RFC 8410 §7: the privateKey octets are themselves a DER OCTET STRING holding the 32-byte seed.
                if (!info.TryReadPrimitiveOctetString(out var inner)
                    || !new AsnReader(inner, AsnEncodingRules.DER).TryReadPrimitiveOctetString(out var seed)
                    || seed.Length != Ed25519HostKey.SeedSize)
                {
                    throw new InvalidDataException("An Ed25519 PKCS#8 private key holds a 32-byte seed.");
                }
                return new Ed25519HostKey(seed.Span);
            }
        }
        catch (AsnContentException e)
        {
            throw new InvalidDataException("Malformed PKCS#8 private key.", e);
        }
        return algorithm switch
        {
            RsaOid => ImportRsa(text, allowRsaSha1),
            EcPublicKeyOid => ImportEcdsa(text),
            _ => throw new NotSupportedException($"Unsupported PKCS#8 key algorithm {algorithm}."),
        };
    }

    private static RsaHostKey ImportRsa(ReadOnlySpan<char> text, bool allowRsaSha1)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(text);
            return new RsaHostKey(rsa, allowRsaSha1);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new InvalidDataException("Invalid RSA private key: " + e.Message, e);
        }
    }

    private static EcdsaHostKey ImportEcdsa(ReadOnlySpan<char> text)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(text);
            var curve = EcdsaCurve.FromParameters(ecdsa.ExportParameters(includePrivateParameters: false))
                ?? throw new NotSupportedException("Unsupported EC curve; SftpKit supports nistp256, nistp384 and nistp521.");
            return new EcdsaHostKey(ecdsa, curve);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
            throw new InvalidDataException("Invalid EC private key: " + e.Message, e);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }
}
