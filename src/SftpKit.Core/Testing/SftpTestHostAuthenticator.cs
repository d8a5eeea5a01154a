using System.Security.Cryptography;
using System.Text;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Testing;

/// <summary>
/// Logs in the users of a <see cref="SftpTestHost"/> and hands each session its in-memory file system through the
/// principal property <c>SftpKit.FileSystem</c>, as a host app's own authenticator would.
/// </summary>
internal sealed class SftpTestHostAuthenticator : ISshAuthenticator
{
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    public SftpTestHostAuthenticator(IEnumerable<SftpTestUser> users)
    {
        foreach (var user in users)
        {
            var keys = new List<SshPublicKey>();
            foreach (string line in user.AuthorizedKeys)
            {
                if (!SshPublicKey.TryParseAuthorizedKey(line, out var key))
                {
                    throw new ArgumentException($"User '{user.UserName}' has an unreadable authorized key line.", nameof(users));
                }
                keys.Add(key);
            }
            byte[]? passwordDigest = user.Password is null ? null : Digest(user.Password);
            if (!_accounts.TryAdd(user.UserName, new Account(user, passwordDigest, keys)))
            {
                throw new ArgumentException($"User '{user.UserName}' is listed twice.", nameof(users));
            }
        }
    }

    public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_accounts.TryGetValue(context.UserName, out var account))
        {
            return ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.UnknownUser));
        }
        // Digests have one length, so the comparison takes the same time whatever was typed.
        bool ok = account.PasswordDigest is not null && CryptographicOperations.FixedTimeEquals(account.PasswordDigest, Digest(password));
        return ValueTask.FromResult(ok ? Success(account) : SshAuthResult.Failed);
    }

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_accounts.TryGetValue(context.UserName, out var account))
        {
            return ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.UnknownUser));
        }
        return ValueTask.FromResult(account.Keys.Contains(key) ? Success(account) : SshAuthResult.Failed);
    }

    private static SshAuthResult Success(Account account)
    {
        var principal = new SshPrincipal(account.User.UserName);
        principal.SetFeature<IVirtualFileSystem>(account.User.FileSystem);
        if (account.User.Account is { } rules)
        {
            var attached = rules.Clone();
            attached.UserName = account.User.UserName;
            principal.SetFeature(attached);
        }
        return SshAuthResult.Success(principal);
    }

    private static byte[] Digest(string password) => SHA256.HashData(Encoding.UTF8.GetBytes(password));

    private sealed record Account(SftpTestUser User, byte[]? PasswordDigest, List<SshPublicKey> Keys);
}
