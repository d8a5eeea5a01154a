using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Testing;

/// <summary>
/// A user of a <see cref="SftpTestHost"/>: sugar for an <see cref="SftpAccount"/> whose credentials are a plain
/// password and authorized_keys lines and whose files live in its own in-memory file system. The test host stores the
/// account it makes (<see cref="SftpAccount.UserName"/>, <see cref="SftpAccount.PasswordHash"/>,
/// <see cref="SftpAccount.PublicKeys"/>, storage) in an <see cref="InMemoryUserStore"/>, so the login and the session
/// run through the same account pipeline as in any host.
/// </summary>
public sealed class SftpTestUser
{
    /// <summary>Creates a user.</summary>
    /// <param name="userName">The login name.</param>
    /// <param name="password">The password, or null to allow only public keys. Defaults to null.</param>
    public SftpTestUser(string userName, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        UserName = userName;
        Password = password;
    }

    /// <summary>The login name.</summary>
    public string UserName { get; }

    /// <summary>The password; null allows public-key login only.</summary>
    public string? Password { get; }

    /// <summary>Public keys that may log in, as authorized_keys lines (<c>ssh-ed25519 AAAA... comment</c>). Defaults to none.</summary>
    public IList<string> AuthorizedKeys { get; init; } = new List<string>();

    /// <summary>
    /// The user's files: the root of every session of this user. Seed it before or after start. Defaults to a new,
    /// empty <see cref="InMemoryFileSystem"/> without a capacity limit.
    /// </summary>
    public InMemoryFileSystem FileSystem { get; init; } = new();

    /// <summary>
    /// The account rules this user's sessions run under, as for any login: permissions per directory, file-name
    /// filters, quota, upload size and bandwidth limits, virtual folders (mounted over <see cref="FileSystem"/>),
    /// enabled and expiry, source addresses, login steps. The test host stores a copy whose
    /// <see cref="SftpAccount.UserName"/>, credentials (<see cref="SftpAccount.PasswordHash"/>,
    /// <see cref="SftpAccount.PublicKeys"/>) and storage (<see cref="SftpAccount.HomeDirectory"/>,
    /// <see cref="SftpAccount.FileSystem"/>) come from this user: <see cref="UserName"/>, <see cref="Password"/>,
    /// <see cref="AuthorizedKeys"/> and <see cref="FileSystem"/>. Defaults to null: every permission, no limit.
    /// </summary>
    public SftpAccount? Account { get; init; }
}
