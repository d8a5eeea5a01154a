using SftpKit.Ssh.Keys;
using SftpKit.Ssh.Messages;

namespace SftpKit.Ssh.Authentication;

/// <summary>The publickey method (RFC 4252 §7), publickey-hostbound and OpenSSH certificates.</summary>
internal sealed partial class UserAuthService
{
    // payload is the whole USERAUTH_REQUEST (its start, up to the signature, is what the client signed); fields are
    // the method's fields within it.
    private async ValueTask<SshPrincipal?> OnPublicKeyAsync(SshAuthContext context, ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte> fields, bool hostbound,
        CancellationToken cancellationToken)
    {
        bool hasSignature;
        string algorithm;
        byte[] blob;
        byte[]? signature = null;
        int signedLength;
        {
            var request = UserAuthPublicKeyFields.Read(fields.Span, hostbound);
            if (hostbound && (_hostKeyBlob() is not { } ours || !request.HostKey.SequenceEqual(ours)))
            {
                throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Host key binding mismatch.");
            }
            hasSignature = request.HasSignature;
            algorithm = request.Algorithm;
            blob = request.PublicKey.ToArray();
            signedLength = payload.Length - fields.Length + request.SignedLength;
            if (hasSignature)
            {
                signature = request.Signature.ToArray();
            }
        }

        SshPublicKey key;
        try
        {
            key = SshPublicKey.FromBlob(blob);
        }
        catch (FormatException)
        {
            return await FailAsync(context, SshAuthFailureReason.InvalidCredentials).ConfigureAwait(false);
        }
        if (!AlgorithmMatchesKey(algorithm, key))
        {
            return await FailAsync(context, SshAuthFailureReason.InvalidCredentials).ConfigureAwait(false);
        }
        // A certificate stands for a user only when the server's own checks pass; only then is the authenticator asked.
        if (key.Certificate is { } certificate && !CertificateAcceptable(context, certificate, out var refusal))
        {
            return await FailAsync(context, refusal).ConfigureAwait(false);
        }

        if (!hasSignature)
        {
            var query = await _authenticator.AuthenticatePublicKeyAsync(context, key, cancellationToken).ConfigureAwait(false);
            if (!query.Succeeded && !query.IsPartialSuccess)
            {
                return await FailAsync(context, query.FailureReason).ConfigureAwait(false);
            }
            _transport.Send(new UserAuthPkOkMessage(algorithm, blob));
            return null;
        }

        using (var signed = new SshWriter(signedLength + 64))
        {
            signed.WriteBinary(_sessionId());
            signed.WriteRaw(payload.Span[..signedLength]);
            string expected = key.Certificate is null ? algorithm : SshCertificate.PlainAlgorithm(algorithm)!;
            if (!key.VerifySignature(signed.WrittenSpan, signature!, out string signatureAlgorithm) || signatureAlgorithm != expected)
            {
                AuthLog.PublicKeySignatureInvalid(_logger, context.ConnectionId, context.UserName);
                return await FailAsync(context, SshAuthFailureReason.InvalidCredentials).ConfigureAwait(false);
            }
        }
        var result = await _authenticator.AuthenticatePublicKeyAsync(context, key, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(context, result).ConfigureAwait(false);
    }

    private bool CertificateAcceptable(SshAuthContext context, SshCertificate certificate, out SshAuthFailureReason reason)
    {
        string? refusal = _settings.Certificates.Check(certificate, context.UserName, context.RemoteEndPoint, out reason);
        if (refusal is null)
        {
            AuthLog.CertificateAccepted(_logger, context.ConnectionId, context.UserName, certificate.KeyId, certificate.Serial, certificate.SignatureKey.Fingerprint);
            return true;
        }
        AuthLog.CertificateRefused(_logger, context.ConnectionId, context.UserName, certificate.KeyId, certificate.Serial,
            certificate.SignatureKey.Fingerprint, refusal);
        return false;
    }

    /// <summary>
    /// Whether the algorithm named in the request fits the key: RSA keys sign with rsa-sha2-256/512 (RFC 8332), RSA
    /// certificates with rsa-sha2-256/512-cert-v01@openssh.com; every other key or certificate type names itself.
    /// </summary>
    private static bool AlgorithmMatchesKey(string algorithm, SshPublicKey key) => key.KeyType switch
    {
        SshKeyAlgorithmNames.Rsa => algorithm is SshKeyAlgorithmNames.RsaSha256 or SshKeyAlgorithmNames.RsaSha512,
        "ssh-rsa-cert-v01@openssh.com" => algorithm is "rsa-sha2-256-cert-v01@openssh.com" or "rsa-sha2-512-cert-v01@openssh.com",
        _ => algorithm == key.KeyType,
    };
}
