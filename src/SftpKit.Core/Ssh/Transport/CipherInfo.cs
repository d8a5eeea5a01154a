namespace SftpKit.Ssh.Transport;

/// <summary>
/// Describes one negotiable SSH encryption algorithm (RFC 4253 §6.3): the key and IV sizes the key exchange must derive
/// and the padding alignment it imposes. AEAD ciphers carry their own tag, so the negotiated MAC is ignored.
/// </summary>
/// <param name="Name">The algorithm name as it appears in KEXINIT.</param>
/// <param name="KeyLength">Bytes of encryption key to derive.</param>
/// <param name="IvLength">Bytes of IV to derive (0 when the cipher derives its nonce from the sequence number).</param>
/// <param name="BlockSize">Padding alignment in bytes.</param>
/// <param name="IsAead">True when the cipher authenticates packets itself.</param>
/// <param name="IsLegacy">True when only offered after explicit opt-in.</param>
internal sealed record CipherInfo(string Name, int KeyLength, int IvLength, int BlockSize, bool IsAead, bool IsLegacy);
