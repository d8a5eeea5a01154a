using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>
/// The X25519 half shared by curve25519-sha256 and the post-quantum hybrids: one ephemeral key per call, never kept.
/// </summary>
internal static class X25519Exchange
{
    public const int KeySize = 32;

    /// <summary>
    /// Generates an ephemeral key pair, writes its public key to <paramref name="ourPublic"/> and the raw shared secret
    /// to <paramref name="sharedSecret"/> (32 bytes each).
    /// </summary>
    public static void Agree(ReadOnlySpan<byte> peerPublic, Span<byte> ourPublic, Span<byte> sharedSecret)
    {
        if (peerPublic.Length != KeySize)
        {
            throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "Invalid X25519 public key length.");
        }
        Span<byte> privateKey = stackalloc byte[KeySize];
        try
        {
            RandomNumberGenerator.Fill(privateKey);
            X25519.ClampPrivateKey(privateKey);
            X25519.ScalarMultBase(privateKey, ourPublic[..KeySize]);
            // A low-order peer point yields all zeros; RFC 8731 §3 and RFC 7748 §6.1 require aborting.
            if (!X25519.CalculateAgreement(privateKey, peerPublic, sharedSecret[..KeySize]))
            {
                CryptographicOperations.ZeroMemory(sharedSecret);
                throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "X25519 shared secret is all zero.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }
}
