using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using QRCoder;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// Enrolment helpers shared by the API and the web pages: the QR code of a new secret (a PNG made on the server) and,
/// for the API's generate → validate → save sequence, a short memory of secrets whose code was proven (per owner,
/// <see cref="ProofLifetime"/>, at most <see cref="MaxProofs"/> owners), so <c>save</c> accepts only a proven secret.
/// </summary>
internal sealed class TotpEnrollment
{
    /// <summary>The issuer shown by authenticator apps.</summary>
    public const string Issuer = "SftpKit";

    /// <summary>How long a proven secret may be saved: 10 minutes.</summary>
    public static readonly TimeSpan ProofLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Most proven secrets remembered: 10,000 (the oldest are dropped first).</summary>
    public const int MaxProofs = 10_000;

    private readonly ConcurrentDictionary<SftpCredentialOwner, (byte[] Hash, DateTimeOffset Until)> _proofs = new();
    private readonly TimeProvider _time;

    public TotpEnrollment(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>The QR code of the secret's <c>otpauth://</c> URI, as PNG bytes.</summary>
    public static byte[] QrPng(string userName, string secret)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(SftpCredentials.ProvisioningUri(Issuer, userName, secret), QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(5);
    }

    /// <summary>The QR code as a <c>data:</c> URI for an <c>img</c> element (the pages' CSP allows <c>data:</c> images).</summary>
    public static string QrDataUri(string userName, string secret) => "data:image/png;base64," + Convert.ToBase64String(QrPng(userName, secret));

    /// <summary>Remembers that the owner proved <paramref name="secret"/>.</summary>
    public void Proven(SftpCredentialOwner owner, string secret)
    {
        var now = _time.GetUtcNow();
        if (_proofs.Count >= MaxProofs)
        {
            foreach (var (key, value) in _proofs)
            {
                if (value.Until <= now)
                {
                    _proofs.TryRemove(key, out _);
                }
            }
            if (_proofs.Count >= MaxProofs && _proofs.OrderBy(p => p.Value.Until).FirstOrDefault() is { Key: var oldest })
            {
                _proofs.TryRemove(oldest, out _);
            }
        }
        _proofs[owner] = (Hash(secret), now + ProofLifetime);
    }

    /// <summary>True (once) when the owner proved <paramref name="secret"/> within <see cref="ProofLifetime"/>.</summary>
    public bool TakeProof(SftpCredentialOwner owner, string secret) =>
        _proofs.TryRemove(owner, out var proof) && proof.Until > _time.GetUtcNow() && CryptographicOperations.FixedTimeEquals(proof.Hash, Hash(secret));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret.Trim().ToUpperInvariant()));
}
