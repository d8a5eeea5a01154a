using System.Net;
using SftpKit.Networking;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// Decides whether an OpenSSH user certificate may stand for a user, before the authenticator is asked (as sshd's
/// TrustedUserCAKeys): the CA must be trusted and its signature valid, the certificate a user certificate, inside its
/// validity window, naming the login among its principals (an empty list is refused), and every critical option
/// understood — <c>source-address</c> is honoured, any other (<c>force-command</c>, <c>verify-required</c>, unknown
/// names) refuses the certificate, because SftpKit cannot enforce it.
/// </summary>
internal sealed class SshCertificateValidator
{
    /// <summary>Most entries of a source-address list (OpenSSH bounds the option by its length only).</summary>
    public const int MaxSourceAddresses = 64;

    private readonly HashSet<SshPublicKey> _trusted;
    private readonly TimeProvider _time;

    public SshCertificateValidator(IEnumerable<SshPublicKey> trustedCaKeys, TimeProvider time)
    {
        _trusted = [.. trustedCaKeys];
        _time = time;
    }

    public bool HasTrustedKeys => _trusted.Count > 0;

    /// <summary>Returns null when the certificate is acceptable, else the reason to log and the failure kind.</summary>
    public string? Check(SshCertificate certificate, string userName, EndPoint? remote, out SshAuthFailureReason reason)
    {
        reason = SshAuthFailureReason.InvalidCredentials;
        if (certificate.Type != SshCertificateType.User)
        {
            return "not a user certificate";
        }
        if (!_trusted.Contains(certificate.SignatureKey))
        {
            return "CA not trusted";
        }
        if (!certificate.VerifyCaSignature())
        {
            return "bad CA signature";
        }
        if (certificate.Principals.Count == 0)
        {
            return "no principals";
        }
        if (!certificate.Principals.Contains(userName, StringComparer.Ordinal))
        {
            return "user not among the principals";
        }
        reason = SshAuthFailureReason.AccessDenied;
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        if ((ulong)now < certificate.ValidAfterSeconds)
        {
            return "not yet valid";
        }
        if ((ulong)now >= certificate.ValidBeforeSeconds)
        {
            return "expired";
        }
        foreach (var (name, value) in certificate.CriticalOptions)
        {
            if (name != "source-address")
            {
                return $"unsupported critical option {name}";
            }
            if (!SourceAddressMatches(value, remote))
            {
                return "source address not allowed";
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the client's address is inside one of the comma-separated addresses or CIDR blocks. Entries follow
    /// <see cref="SftpNetwork"/>'s rules, except that host bits after the prefix make an entry malformed, as OpenSSH's
    /// <c>addr_pton_cidr</c> has it; any malformed entry refuses the whole list, as its <c>addr_match_cidr_list</c> does.
    /// </summary>
    internal static bool SourceAddressMatches(string list, EndPoint? remote)
    {
        if (remote is not IPEndPoint { Address: var address })
        {
            return false;
        }
        var entries = list.Split(',');
        if (entries.Length > MaxSourceAddresses)
        {
            return false;
        }
        bool match = false;
        foreach (var entry in entries)
        {
            if (!SftpNetwork.TryParse(entry, hostBitsAllowed: false, out var network))
            {
                return false;
            }
            match |= network.Contains(address);
        }
        return match;
    }
}
