using System.Security.Cryptography;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>
/// The server side of one single-round key exchange method that uses messages 30/31 (RFC 4253 §8 DH, RFC 5656 ECDH,
/// RFC 8731 curve25519, and the post-quantum hybrids). One instance serves one exchange and is then disposed.
/// </summary>
internal interface IKexAlgorithm : IDisposable
{
    /// <summary>The negotiated method name, e.g. <c>curve25519-sha256</c>.</summary>
    string Name { get; }

    /// <summary>Hash for the exchange hash H and for key derivation.</summary>
    HashAlgorithmName HashAlgorithm { get; }

    /// <summary>
    /// Given the client's value from message 30 (the contents of the string Q_C, or the mpint e for DH, without its
    /// length prefix), computes the server's ephemeral value and the shared secret. Throws
    /// <see cref="SshProtocolException"/> (KeyExchangeFailed) on a malformed or invalid client value.
    /// </summary>
    KexResult Respond(ReadOnlySpan<byte> clientValue);
}

/// <summary>What a kex method contributes to message 31, to the exchange hash and to key derivation.</summary>
/// <param name="ServerValueEncoded">The server's value as written in message 31, wire-encoded with its length prefix
/// (string Q_S, or mpint f).</param>
/// <param name="HashTail">Wire encoding of (client value, server value, K) as they enter the exchange hash, in order.</param>
/// <param name="SharedSecretEncoded">K as wire-encoded for key derivation (mpint, or string for the hybrids).</param>
internal sealed record KexResult(byte[] ServerValueEncoded, byte[] HashTail, byte[] SharedSecretEncoded);
