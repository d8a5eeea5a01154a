using System.DirectoryServices.Protocols;
using System.Net;

namespace SftpKit.Authentication.Ldap;

/// <summary>What a directory login came to.</summary>
internal enum LdapVerdict
{
    /// <summary>The directory has no such user.</summary>
    Unknown,

    /// <summary>The user exists but the credentials are wrong (or the user may not log in).</summary>
    Invalid,

    /// <summary>The credentials are right.</summary>
    Accepted,
}

/// <summary>
/// The directory operations of a login, synchronous (System.DirectoryServices.Protocols): connect with the configured
/// security, bind as the user (DN template) or search-then-bind, read the entry's home directory, keys, groups and
/// disabled state. Each login opens its own connections and closes them. Every operation is bounded by
/// <see cref="LdapAuthenticationOptions.Timeout"/>.
/// </summary>
internal sealed class LdapDirectory
{
    /// <summary>LDAP result code invalidCredentials (RFC 4511).</summary>
    private const int InvalidCredentials = 49;

    private readonly LdapAuthenticationOptions _options;

    public LdapDirectory(LdapAuthenticationOptions options) => _options = options;

    /// <summary>Checks a password login; the identity when accepted.</summary>
    public (LdapVerdict Verdict, LdapIdentity? Identity) AuthenticatePassword(string userName, string password)
    {
        if (password.Length == 0)
        {
            return (LdapVerdict.Invalid, null); // an empty password would be an unauthenticated bind, which succeeds
        }
        if (!string.IsNullOrEmpty(_options.UserDnTemplate))
        {
            string dn = string.Format(System.Globalization.CultureInfo.InvariantCulture, _options.UserDnTemplate, LdapEscaping.Dn(userName));
            using var user = Connect();
            if (!TryBind(user, dn, password))
            {
                return (LdapVerdict.Invalid, null);
            }
            var entry = string.IsNullOrEmpty(_options.SearchBase) ? ReadEntry(user, dn) : FindUser(user, userName);
            return entry is null ? (LdapVerdict.Invalid, null) : Identify(user, userName, entry);
        }
        using var service = ServiceConnection();
        var found = FindUser(service, userName);
        if (found is null)
        {
            return (LdapVerdict.Unknown, null);
        }
        using (var user = Connect())
        {
            if (!TryBind(user, found.DistinguishedName, password))
            {
                return (LdapVerdict.Invalid, null);
            }
        }
        return Identify(service, userName, found);
    }

    /// <summary>Looks the user up with the service account (search configured) for a public-key login.</summary>
    public (LdapVerdict Verdict, LdapIdentity? Identity) FindForPublicKey(string userName)
    {
        if (string.IsNullOrEmpty(_options.SearchBase))
        {
            return (LdapVerdict.Unknown, null);
        }
        using var service = ServiceConnection();
        var found = FindUser(service, userName);
        return found is null ? (LdapVerdict.Unknown, null) : Identify(service, userName, found);
    }

    private LdapConnection ServiceConnection()
    {
        var connection = Connect();
        try
        {
            if (!string.IsNullOrEmpty(_options.BindDn))
            {
                connection.Bind(new NetworkCredential(_options.BindDn, _options.BindPassword ?? string.Empty));
            }
            else
            {
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private LdapConnection Connect()
    {
        int port = _options.Port > 0 ? _options.Port : _options.Security == LdapTransportSecurity.Ldaps ? 636 : 389;
        var connection = new LdapConnection(new LdapDirectoryIdentifier(_options.Host, port, fullyQualifiedDnsHostName: true, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = _options.Timeout,
        };
        try
        {
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
            if (_options.Security != LdapTransportSecurity.None && _options.TrustedCertificatesDirectory is { Length: > 0 } trusted && !OperatingSystem.IsWindows())
            {
                connection.SessionOptions.TrustedCertificatesDirectory = trusted;
                connection.SessionOptions.StartNewTlsSessionContext();
            }
            if (_options.Security == LdapTransportSecurity.Ldaps)
            {
                connection.SessionOptions.SecureSocketLayer = true;
            }
            else if (_options.Security == LdapTransportSecurity.StartTls)
            {
                // StartTLS needs an open connection, which the native client opens only with a first operation: an
                // anonymous bind (no credentials cross the wire), then the upgrade, then the real bind inside TLS.
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
                connection.AuthType = AuthType.Basic;
                connection.SessionOptions.StartTransportLayerSecurity(null);
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool TryBind(LdapConnection connection, string dn, string password)
    {
        try
        {
            connection.Bind(new NetworkCredential(dn, password));
            return true;
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            return false;
        }
    }

    private string[] Attributes()
    {
        var names = new List<string> { _options.MemberOfAttribute, "userAccountControl" };
        if (!string.IsNullOrEmpty(_options.HomeDirectoryAttribute))
        {
            names.Add(_options.HomeDirectoryAttribute);
        }
        if (!string.IsNullOrEmpty(_options.PublicKeyAttribute))
        {
            names.Add(_options.PublicKeyAttribute);
        }
        return names.ToArray();
    }

    private SearchResultEntry? FindUser(LdapConnection connection, string userName)
    {
        string filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, _options.SearchFilter, LdapEscaping.Filter(userName));
        var entries = Search(connection, _options.SearchBase!, filter, SearchScope.Subtree, 2, Attributes());
        // Zero: unknown. Two or more: ambiguous, so nobody (a filter matching several entries must not pick one).
        return entries.Count == 1 ? entries[0] : null;
    }

    private SearchResultEntry? ReadEntry(LdapConnection connection, string dn)
    {
        try
        {
            var entries = Search(connection, dn, "(objectClass=*)", SearchScope.Base, 1, Attributes());
            return entries.Count == 1 ? entries[0] : null;
        }
        catch (DirectoryOperationException)
        {
            return null;
        }
    }

    private List<SearchResultEntry> Search(LdapConnection connection, string baseDn, string filter, SearchScope scope, int sizeLimit, string[] attributes)
    {
        var request = new SearchRequest(baseDn, filter, scope, attributes)
        {
            SizeLimit = sizeLimit,
            TimeLimit = _options.Timeout,
        };
        try
        {
            var response = (SearchResponse)connection.SendRequest(request, _options.Timeout);
            return response.Entries.Cast<SearchResultEntry>().ToList();
        }
        catch (DirectoryOperationException e) when (e.Response is SearchResponse { ResultCode: ResultCode.SizeLimitExceeded } partial)
        {
            // More than the limit: what arrived, plus the limit's worth counted (a user search then sees an ambiguous name).
            var entries = partial.Entries.Cast<SearchResultEntry>().ToList();
            return entries.Count >= sizeLimit ? entries : [.. entries, .. entries];
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode is ResultCode.NoSuchObject)
        {
            return [];
        }
    }

    /// <summary>The identity of an accepted login: home, keys, groups (and their mapping), disabled state.</summary>
    private (LdapVerdict, LdapIdentity?) Identify(LdapConnection connection, string userName, SearchResultEntry entry)
    {
        string dn = entry.DistinguishedName;
        var groupDns = new List<string>(Values(entry, _options.MemberOfAttribute));
        if (!string.IsNullOrEmpty(_options.GroupSearchBase))
        {
            string filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, _options.GroupFilter,
                LdapEscaping.Filter(dn), LdapEscaping.Filter(userName));
            foreach (var group in Search(connection, _options.GroupSearchBase, filter, SearchScope.Subtree, 1000, ["cn"]))
            {
                if (!groupDns.Contains(group.DistinguishedName, StringComparer.OrdinalIgnoreCase))
                {
                    groupDns.Add(group.DistinguishedName);
                }
            }
        }
        bool InGroup(string key) => groupDns.Any(g => string.Equals(g, key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(LdapEscaping.CommonName(g), key, StringComparison.OrdinalIgnoreCase));
        if (_options.RequiredGroups.Count > 0 && !_options.RequiredGroups.Any(InGroup))
        {
            return (LdapVerdict.Invalid, null);
        }
        bool disabled = Values(entry, "userAccountControl").Any(v => long.TryParse(v, out long flags) && (flags & 2) != 0);
        if (!disabled && !string.IsNullOrEmpty(_options.DisabledFilter))
        {
            disabled = Search(connection, dn, _options.DisabledFilter, SearchScope.Base, 1, ["1.1"]).Count > 0;
        }
        string? home = string.IsNullOrEmpty(_options.HomeDirectoryAttribute) ? null : Values(entry, _options.HomeDirectoryAttribute).FirstOrDefault();
        if (string.IsNullOrEmpty(home) && _options.HomeDirectoryTemplate is { Length: > 0 } template)
        {
            home = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, userName);
        }
        return (LdapVerdict.Accepted, new LdapIdentity
        {
            UserName = userName,
            DistinguishedName = dn,
            HomeDirectory = home,
            PublicKeys = string.IsNullOrEmpty(_options.PublicKeyAttribute) ? [] : Values(entry, _options.PublicKeyAttribute),
            GroupDns = groupDns,
            Groups = _options.GroupMappings.Where(m => InGroup(m.Key)).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList(),
            Role = _options.RoleMappings.Where(m => InGroup(m.Key)).Select(m => m.Value).FirstOrDefault(),
            Disabled = disabled,
        });
    }

    private static List<string> Values(SearchResultEntry entry, string attribute)
    {
        var values = entry.Attributes[attribute];
        if (values is null)
        {
            return [];
        }
        return values.GetValues(typeof(string)).Cast<string>().ToList();
    }
}
