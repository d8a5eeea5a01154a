using Microsoft.Extensions.Options;
using SftpKit.Accounts;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// The default <see cref="ISshAuthenticator"/>: users from <see cref="SftpServerOptions.Users"/>. Passwords are
/// verified by <see cref="SftpPasswordHasher"/> (argon2id, bcrypt, PBKDF2, SHA-crypt, md5crypt); an unknown user or a
/// user without a password runs <see cref="SftpPasswordHasher.VerifyDummy"/> so such failures cost what a wrong
/// password costs against a default hash. A public key logs in when it is one of the user's authorized keys, or when it is a
/// certificate (the server has already checked its CA, validity, principals and options). A user with
/// <see cref="SshUser.RequiredAuthenticationMethods"/> passes them in order, each but the last answered with
/// <see cref="SshAuthResult.Continue"/>.
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
            _users[user.UserName] = new Entry(user.UserName, hash, keys, user.HomeDirectory, [.. user.RequiredAuthenticationMethods], user.MaxSessions);
        }
    }

    public async ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        _users.TryGetValue(context.UserName, out var entry);
        string? hash = entry?.PasswordHash;
        bool ok = await PasswordHashGate.RunAsync(() =>
        {
            if (hash is null)
            {
                SftpPasswordHasher.VerifyDummy(password);
                return false;
            }
            // Any success counts: this store cannot persist a rehash, and imported hashes stay as configured.
            return SftpPasswordHasher.Verify(hash, password) != PasswordVerificationResult.Failed;
        }, cancellationToken).ConfigureAwait(false);
        return ok ? Passed(context, entry!) : SshAuthResult.Fail(entry is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials);
    }

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        if (_users.TryGetValue(context.UserName, out var entry) && (key.Certificate is not null || entry.Keys.Contains(key)))
        {
            return ValueTask.FromResult(Passed(context, entry));
        }
        return ValueTask.FromResult(SshAuthResult.Fail(entry is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials));
    }

    /// <summary>The credentials were right: log in, or ask for the next required method.</summary>
    private static SshAuthResult Passed(SshAuthContext context, Entry entry)
    {
        var required = entry.RequiredMethods;
        if (required.Length == 0)
        {
            return SshAuthResult.Success(entry.ToPrincipal());
        }
        int step = context.PassedMethods.Count;
        // The method of each step must be the one required at that position (the server only offers that one).
        if (step >= required.Length || required[step] != context.Method || !context.PassedMethods.SequenceEqual(required[..step]))
        {
            return SshAuthResult.Fail(SshAuthFailureReason.AccessDenied);
        }
        return step == required.Length - 1
            ? SshAuthResult.Success(entry.ToPrincipal())
            : SshAuthResult.Continue(required[step + 1]);
    }

    private sealed record Entry(string UserName, string? PasswordHash, List<SshPublicKey> Keys, string? HomeDirectory, string[] RequiredMethods, int MaxSessions)
    {
        public SshPrincipal ToPrincipal() => new(UserName, HomeDirectory) { MaxSessions = MaxSessions };
    }
}
