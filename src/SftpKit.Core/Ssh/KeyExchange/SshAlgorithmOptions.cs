namespace SftpKit;

/// <summary>
/// The algorithms a server offers, in order of preference. The client's preference decides among those offered
/// (RFC 4253 §7.1). The defaults pass <c>ssh-audit</c> without failure (it warns on the non-etm MACs, which libssh2
/// clients need); the NIST-curve kex methods, ECDSA host keys and legacy SHA-1 algorithms are supported but must be
/// added here explicitly.
/// </summary>
public sealed class SshAlgorithmOptions
{
    /// <summary>
    /// Key exchange methods. Defaults to mlkem768x25519-sha256, sntrup761x25519-sha512,
    /// sntrup761x25519-sha512@openssh.com, curve25519-sha256, curve25519-sha256@libssh.org,
    /// diffie-hellman-group16-sha512, diffie-hellman-group14-sha256. Also supported: ecdh-sha2-nistp256/384/521 and,
    /// as legacy, diffie-hellman-group14-sha1. The strict-kex marker is always added.
    /// </summary>
    public IList<string> KeyExchange { get; } = new List<string>(DefaultKeyExchange);

    /// <summary>
    /// Host key signature algorithms; only those with a loaded host key are offered. Defaults to ssh-ed25519,
    /// rsa-sha2-512, rsa-sha2-256. Also supported: ecdsa-sha2-nistp256/384/521 and, as legacy, ssh-rsa.
    /// </summary>
    public IList<string> HostKeys { get; } = new List<string>(DefaultHostKeys);

    /// <summary>
    /// Ciphers, both directions. Defaults to chacha20-poly1305@openssh.com, aes128-gcm@openssh.com,
    /// aes256-gcm@openssh.com, aes128-ctr, aes192-ctr, aes256-ctr.
    /// </summary>
    public IList<string> Ciphers { get; } = new List<string>(DefaultCiphers);

    /// <summary>
    /// MACs for non-AEAD ciphers, both directions. Defaults to hmac-sha2-256-etm@openssh.com,
    /// hmac-sha2-512-etm@openssh.com, hmac-sha2-256, hmac-sha2-512 (as OpenSSH and SFTPGo: the encrypt-and-MAC forms
    /// come last, and are there for clients without etm MACs such as libssh2 1.10, behind curl's sftp:// and scp://).
    /// Also supported, as legacy: hmac-sha1 and hmac-sha1-etm@openssh.com.
    /// </summary>
    public IList<string> Macs { get; } = new List<string>(DefaultMacs);

    internal static readonly string[] DefaultKeyExchange =
    [
        "mlkem768x25519-sha256",
        "sntrup761x25519-sha512",
        "sntrup761x25519-sha512@openssh.com",
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group14-sha256",
    ];

    internal static readonly string[] DefaultHostKeys = ["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"];

    internal static readonly string[] DefaultCiphers =
    [
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
    ];

    internal static readonly string[] DefaultMacs =
    [
        "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com",
        "hmac-sha2-256",
        "hmac-sha2-512",
    ];

    /// <summary>Every non-legacy algorithm SftpKit implements (adds the NIST-curve kex methods and ECDSA host keys to the defaults).</summary>
    public static SshAlgorithmOptions AllSupported()
    {
        var options = new SshAlgorithmOptions();
        options.KeyExchange.Clear();
        foreach (var name in global::SftpKit.Ssh.KeyExchange.KexAlgorithmRegistry.AllNames)
        {
            if (!global::SftpKit.Ssh.KeyExchange.KexAlgorithmRegistry.IsLegacy(name))
            {
                options.KeyExchange.Add(name);
            }
        }
        options.HostKeys.Clear();
        foreach (var name in new[] { "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256" })
        {
            options.HostKeys.Add(name);
        }
        options.Macs.Clear();
        foreach (var mac in global::SftpKit.Ssh.Transport.PacketCipherRegistry.AllMacs)
        {
            if (!mac.IsLegacy)
            {
                options.Macs.Add(mac.Name);
            }
        }
        return options;
    }
}
