using SftpKit.Accounts;

namespace SftpKit.Hosting;

/// <summary>
/// Computes a login's effective account (<see cref="SftpEffectiveAccount"/>, through
/// <see cref="SftpAccountGroupResolver"/>) once and keeps it on the principal, so the login rules
/// (<see cref="AccountLoginAuthorizer"/>), the session gate (<see cref="SshPrincipal.MaxSessions"/>) and the storage
/// and policies (<see cref="AccountFileSystemProvider"/>) all see the same settings. The account is the principal's
/// <see cref="SftpAccount"/> feature, else one made from the principal; its groups are read at that moment, so a
/// changed group applies from the member's next login.
/// </summary>
internal sealed class EffectiveAccountResolver
{
    private readonly SftpAccountGroupResolver _groups;

    public EffectiveAccountResolver(SftpAccountGroupResolver? groups = null) => _groups = groups ?? new SftpAccountGroupResolver(null);

    /// <summary>The effective account, or null with why the login may not proceed.</summary>
    public async ValueTask<(SftpAccount? Account, string? Refusal)> ResolveAsync(SshPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.GetFeature<Resolved>() is { } done)
        {
            return (done.Account, null);
        }
        var (effective, why) = await _groups.ResolveAsync(AccountFileSystemProvider.AccountOf(principal), cancellationToken).ConfigureAwait(false);
        if (effective is null)
        {
            return (null, why);
        }
        var resolved = principal.GetOrAddFeature(() => new Resolved(effective));
        principal.LimitSessions(resolved.Account.MaxSessions);
        return (resolved.Account, null);
    }

    /// <summary>The principal feature holding the login's effective account.</summary>
    internal sealed record Resolved(SftpAccount Account);
}
