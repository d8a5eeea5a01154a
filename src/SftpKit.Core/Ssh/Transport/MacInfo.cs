namespace SftpKit.Ssh.Transport;

/// <summary>Describes one negotiable SSH MAC algorithm (RFC 4253 §6.4, RFC 6668, OpenSSH -etm variants).</summary>
/// <param name="Name">The algorithm name as it appears in KEXINIT.</param>
/// <param name="KeyLength">Bytes of integrity key to derive.</param>
/// <param name="TagLength">Bytes of MAC appended to each packet.</param>
/// <param name="EncryptThenMac">True for -etm@openssh.com: length sent in clear, MAC computed over the ciphertext.</param>
/// <param name="IsLegacy">True when only offered after explicit opt-in.</param>
internal sealed record MacInfo(string Name, int KeyLength, int TagLength, bool EncryptThenMac, bool IsLegacy);
