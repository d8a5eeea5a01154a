using Microsoft.Extensions.Options;
using SftpKit.Accounts;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// The default <see cref="ISshAuthenticator"/>: users from <see cref="SftpServerOptions.Users"/>. Passwords are
/// verified by <see cref="SftpPasswordHasher"/> (argon2id, bcrypt, PBKDF2, SHA-crypt, md5crypt); an unknown user or a
/// user without a password runs <see cref="SftpPasswordHasher.VerifyDummy"/> so such failures cost what a wrong
/// password costs against a default hash.
/// </summary>
internal sealed class InMemoryAuthenticator : ISshAuthenticator
{
    private readonly Dictionary<string, Entry> _users;

    public InMemoryAuthenticator(IOptions<SftpServerOptions> options)
    {
        _users = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var user in options.Value.Users)
        {
            string? hash = user.PasswordHash ?? (user.Password is { Length: > 0 } plain ? SftpPasswordHasher.Hash(plain) : null);
            var keys = user.AuthorizedKeys
                .Select(line => SshPublicKey.TryParseAuthorizedKey(line, out var key) ? key : null)
                .OfType<SshPublicKey>()
                .ToList();
            _users[user.UserName] = new Entry(user.UserName, hash, keys, user.HomeDirectory);
        }
    }

    public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        bool ok = false;
        if (_users.TryGetValue(context.UserName, out var entry) && entry.PasswordHash is { } hash)
        {
            // Any success counts: this store cannot persist a rehash, and imported hashes stay as configured.
            ok = SftpPasswordHasher.Verify(hash, password) != PasswordVerificationResult.Failed;
        }
        else
        {
            SftpPasswordHasher.VerifyDummy(password);
        }
        return ValueTask.FromResult(ok ? SshAuthResult.Success(new SshPrincipal(entry!.UserName, entry.HomeDirectory)) : SshAuthResult.Fail(entry is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials));
    }

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        if (_users.TryGetValue(context.UserName, out var entry) && entry.Keys.Contains(key))
        {
            return ValueTask.FromResult(SshAuthResult.Success(new SshPrincipal(entry.UserName, entry.HomeDirectory)));
        }
        return ValueTask.FromResult(SshAuthResult.Fail(entry is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials));
    }

    private sealed record Entry(string UserName, string? PasswordHash, List<SshPublicKey> Keys, string? HomeDirectory);
}
