using Microsoft.Extensions.Options;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// The default <see cref="ISshAuthenticator"/>: users from <see cref="SftpServerOptions.Users"/>. Passwords are
/// verified against argon2id hashes; an unknown user or a user without a password verifies a dummy hash so every
/// failure costs the same time.
/// </summary>
internal sealed class InMemoryAuthenticator : ISshAuthenticator
{
    private readonly Dictionary<string, Entry> _users;

    public InMemoryAuthenticator(IOptions<SftpServerOptions> options)
    {
        _users = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var user in options.Value.Users)
        {
            string? hash = user.PasswordHash ?? (user.Password is { Length: > 0 } plain ? SshPasswordHasher.Hash(plain) : null);
            var keys = user.AuthorizedKeys
                .Select(line => SshPublicKey.TryParseAuthorizedKey(line, out var key) ? key : null)
                .OfType<SshPublicKey>()
                .ToList();
            _users[user.UserName] = new Entry(user.UserName, hash, keys, user.HomeDirectory, user.MaxSessions);
        }
    }

    public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        _users.TryGetValue(context.UserName, out var entry);
        bool ok = SshPasswordHasher.Verify(entry?.PasswordHash ?? SshPasswordHasher.DummyHash, password) && entry?.PasswordHash is not null;
        return ValueTask.FromResult(ok ? SshAuthResult.Success(entry!.ToPrincipal()) : SshAuthResult.Fail(entry is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials));
    }

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        if (_users.TryGetValue(context.UserName, out var entry) && entry.Keys.Contains(key))
        {
            return ValueTask.FromResult(SshAuthResult.Success(entry.ToPrincipal()));
        }
        return ValueTask.FromResult(SshAuthResult.Fail(entry is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials));
    }

    private sealed record Entry(string UserName, string? PasswordHash, List<SshPublicKey> Keys, string? HomeDirectory, int MaxSessions)
    {
        public SshPrincipal ToPrincipal() => new(UserName, HomeDirectory) { MaxSessions = MaxSessions };
    }
}
