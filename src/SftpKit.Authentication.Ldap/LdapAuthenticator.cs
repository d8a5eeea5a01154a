using System.DirectoryServices.Protocols;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Authentication.Ldap;

/// <summary>
/// Logs users in against the directory in front of the authenticator registered before (the account store's, a
/// host's own): password logins bind (as the user, or search-then-bind); public-key logins compare the entry's keys
/// (search configured). An accepted login's principal carries an <see cref="SftpAccount"/> made from the entry —
/// home directory, keys, <see cref="LdapAuthenticationOptions.Permissions"/>, enabled unless the entry is disabled, the
/// mapped group and role names in its metadata — so the session pipeline gives it storage, folders, policies and
/// events like any other login (a disabled entry is refused there). A user the directory does not know goes to the
/// inner authenticator when <see cref="LdapAuthenticationOptions.FallBackToLocalAccounts"/>. Directory errors are
/// logged and answered with the generic failure.
/// </summary>
internal sealed class LdapAuthenticator : ISshAuthenticator, IDisposable
{
    /// <summary>Metadata key of the entry's DN on the account.</summary>
    public const string DnMetadataKey = "ldap_dn";

    /// <summary>Metadata key of the mapped SftpKit group names (comma-separated).</summary>
    public const string GroupsMetadataKey = "ldap_groups";

    /// <summary>Metadata key of the mapped SftpKit role name.</summary>
    public const string RoleMetadataKey = "ldap_role";

    private readonly ISshAuthenticator _inner;
    private readonly LdapAuthenticationOptions _options;
    private readonly LdapDirectory _directory;
    private readonly LdapLoginCache _cache;
    private readonly SemaphoreSlim _slots;
    private readonly Action<SftpAccount, LdapIdentity>? _configureAccount;
    private readonly ILogger _logger;

    public LdapAuthenticator(ISshAuthenticator inner, LdapAuthenticationOptions options, Action<SftpAccount, LdapIdentity>? configureAccount,
        ILogger<LdapAuthenticator> logger, TimeProvider? time = null)
    {
        _inner = inner;
        _options = options;
        _configureAccount = configureAccount;
        _logger = logger;
        _directory = new LdapDirectory(options);
        _cache = new LdapLoginCache(options.CacheDuration, options.MaxCacheEntries, time ?? TimeProvider.System);
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentOperations));
        if (options.Security == LdapTransportSecurity.None)
        {
            LdapLog.Plaintext(logger);
        }
    }

    public async ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(password);
        string key = LdapLoginCache.Key("password", context.UserName, password);
        var identity = _cache.Find(key);
        if (identity is null)
        {
            var (verdict, found) = await RunAsync(context, () => _directory.AuthenticatePassword(context.UserName, password), cancellationToken).ConfigureAwait(false);
            switch (verdict)
            {
                case LdapVerdict.Unknown when _options.FallBackToLocalAccounts:
                    return await _inner.AuthenticatePasswordAsync(context, password, cancellationToken).ConfigureAwait(false);
                case LdapVerdict.Invalid when _options.FallBackToLocalAccounts && !string.IsNullOrEmpty(_options.UserDnTemplate):
                    // A bound DN template cannot tell an unknown user from a wrong password: the local account decides.
                    return await _inner.AuthenticatePasswordAsync(context, password, cancellationToken).ConfigureAwait(false);
                case LdapVerdict.Unknown or LdapVerdict.Invalid:
                    LdapLog.Refused(_logger, context.ConnectionId, context.UserName, verdict == LdapVerdict.Unknown ? "unknown user" : "invalid credentials");
                    return SshAuthResult.Fail(verdict == LdapVerdict.Unknown ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials);
            }
            identity = found!;
            _cache.Add(key, identity);
        }
        return Success(context, identity);
    }

    public async ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(_options.SearchBase) || string.IsNullOrEmpty(_options.PublicKeyAttribute) || key.Certificate is not null)
        {
            return await _inner.AuthenticatePublicKeyAsync(context, key, cancellationToken).ConfigureAwait(false);
        }
        string cacheKey = LdapLoginCache.Key("publickey", context.UserName, Convert.ToBase64String(key.Blob.Span));
        var identity = _cache.Find(cacheKey);
        if (identity is null)
        {
            var (verdict, found) = await RunAsync(context, () => _directory.FindForPublicKey(context.UserName), cancellationToken).ConfigureAwait(false);
            if (verdict == LdapVerdict.Unknown && _options.FallBackToLocalAccounts)
            {
                return await _inner.AuthenticatePublicKeyAsync(context, key, cancellationToken).ConfigureAwait(false);
            }
            bool known = found is not null
                && found.PublicKeys.Any(line => SshPublicKey.TryParseAuthorizedKey(line, out var allowed) && allowed.Equals(key));
            if (!known)
            {
                LdapLog.Refused(_logger, context.ConnectionId, context.UserName, "key not in the directory entry");
                return SshAuthResult.Fail(found is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials);
            }
            identity = found!;
            _cache.Add(cacheKey, identity);
        }
        return Success(context, identity);
    }

    /// <summary>Runs a directory call on the thread pool under the concurrency bound; failures become "invalid".</summary>
    private async Task<(LdapVerdict, LdapIdentity?)> RunAsync(SshAuthContext context, Func<(LdapVerdict, LdapIdentity?)> call, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_options.Timeout);
        try
        {
            await _slots.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LdapLog.Failed(_logger, context.ConnectionId, context.UserName, nameof(TimeoutException), "no free directory slot in time");
            return (LdapVerdict.Invalid, null);
        }
        try
        {
            return await Task.Run(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LdapException or DirectoryException or InvalidOperationException or FormatException or PlatformNotSupportedException)
        {
            LdapLog.Failed(_logger, context.ConnectionId, context.UserName, e.GetType().Name, e is LdapException ldap ? "result " + ldap.ErrorCode : e.Message);
            return (LdapVerdict.Invalid, null);
        }
        finally
        {
            _slots.Release();
        }
    }

    private SshAuthResult Success(SshAuthContext context, LdapIdentity identity)
    {
        var account = ToAccount(identity);
        if (string.IsNullOrEmpty(account.HomeDirectory) && account.FileSystem is null)
        {
            LdapLog.Refused(_logger, context.ConnectionId, context.UserName, "no home directory (attribute or template)");
            return SshAuthResult.Fail(SshAuthFailureReason.AccessDenied);
        }
        var principal = new SshPrincipal(account.UserName, account.HomeDirectory) { MaxSessions = account.MaxSessions };
        principal.SetFeature(account);
        return SshAuthResult.Success(principal);
    }

    /// <summary>The account of a directory login (see the class summary), then the host's own adjustments.</summary>
    internal SftpAccount ToAccount(LdapIdentity identity)
    {
        var account = new SftpAccount
        {
            UserName = identity.UserName,
            Enabled = !identity.Disabled,
            HomeDirectory = identity.HomeDirectory,
            PublicKeys = identity.PublicKeys.ToList(),
            Metadata = { [DnMetadataKey] = identity.DistinguishedName },
        };
        foreach (var (path, names) in _options.Permissions.Count > 0 ? _options.Permissions : new Dictionary<string, IList<string>> { ["/"] = ["*"] })
        {
            account.Permissions[path] = names.ToList();
        }
        if (identity.Groups.Count > 0)
        {
            account.Metadata[GroupsMetadataKey] = string.Join(',', identity.Groups);
            // Mapped groups are secondary groups: their folders, permissions and filters apply (a group that does not
            // exist in the group store refuses the login, as for any account).
            foreach (string group in identity.Groups.Distinct(StringComparer.Ordinal))
            {
                account.Groups.Add(new SftpGroupMembership { Name = group, Type = SftpGroupType.Secondary });
            }
        }
        if (identity.Role is { } role)
        {
            account.Metadata[RoleMetadataKey] = role;
            account.Role = role;
        }
        _configureAccount?.Invoke(account, identity);
        return account;
    }

    public void Dispose() => _slots.Dispose();
}
