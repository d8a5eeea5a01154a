namespace SftpKit.Accounts;

/// <summary>
/// The time-based one-time password (RFC 6238: SHA-1, 6 digits, 30-second steps, the authenticator apps' default)
/// second factor of an account or an admin, kept by an <see cref="ISftpCredentialStore"/>. Written by
/// <see cref="SftpCredentials"/> only after the owner proved the secret with a code.
/// </summary>
public sealed class SftpTotpConfig
{
    /// <summary>Most recovery codes kept: 10 (new sets replace the old).</summary>
    public const int MaxRecoveryCodes = 10;

    /// <summary>Whether the owner is an account or an admin.</summary>
    public SftpCredentialOwnerKind OwnerKind { get; set; }

    /// <summary>The owner's user name.</summary>
    public string OwnerName { get; set; } = string.Empty;

    /// <summary>Whether logins ask for a code. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The shared secret (base32) as stored: protected with the server's <see cref="ISftpSecretProtector"/> when one is
    /// registered (<c>$aes$…</c>), else as generated. Never logged, never returned by the API after enrollment.
    /// </summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>
    /// Where an account's logins ask for a code (<see cref="SftpTotpProtocols"/>): <c>SSH</c>, <c>HTTP</c> (the web
    /// client). An admin's code is asked by every admin login (WebAdmin and <c>POST /token</c>) whatever this holds.
    /// </summary>
    public IList<string> Protocols { get; set; } = new List<string>();

    /// <summary>The recovery codes: each a SHA-256 hash (hex) of a random code, usable once in place of a one-time code.</summary>
    public IList<SftpRecoveryCode> RecoveryCodes { get; set; } = new List<SftpRecoveryCode>();

    /// <summary>True when <see cref="Enabled"/> and <paramref name="protocol"/> is among <see cref="Protocols"/> (admins: always when enabled).</summary>
    public bool AppliesTo(string protocol) =>
        Enabled && (OwnerKind == SftpCredentialOwnerKind.Admin || Protocols.Contains(protocol, StringComparer.OrdinalIgnoreCase));

    /// <summary>A deep copy.</summary>
    public SftpTotpConfig Clone() => new()
    {
        OwnerKind = OwnerKind,
        OwnerName = OwnerName,
        Enabled = Enabled,
        Secret = Secret,
        Protocols = new List<string>(Protocols ?? []),
        RecoveryCodes = (RecoveryCodes ?? []).Select(c => new SftpRecoveryCode { Hash = c.Hash, Used = c.Used }).ToList(),
    };
}

/// <summary>One recovery code, hashed.</summary>
public sealed class SftpRecoveryCode
{
    /// <summary>SHA-256 of the code's canonical form (upper case, no separators), lower-case hex.</summary>
    public string Hash { get; set; } = string.Empty;

    /// <summary>True once the code was used; a used code is refused.</summary>
    public bool Used { get; set; }
}

/// <summary>The protocol names of <see cref="SftpTotpConfig.Protocols"/> (SFTPGo's names for the same choices).</summary>
public static class SftpTotpProtocols
{
    /// <summary>SSH logins (SFTP, SCP, commands): password + code through keyboard-interactive.</summary>
    public const string Ssh = "SSH";

    /// <summary>The web client's sign-in.</summary>
    public const string Http = "HTTP";

    /// <summary>Every name accepted.</summary>
    public static IReadOnlyList<string> All { get; } = [Ssh, Http];
}
