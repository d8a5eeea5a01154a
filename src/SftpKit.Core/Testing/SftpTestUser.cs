using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Testing;

/// <summary>An account of a <see cref="SftpTestHost"/>: a name, its credentials and its own in-memory file system.</summary>
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
    /// enabled and expiry. Its <see cref="SftpAccount.UserName"/> and storage settings are ignored: the user is
    /// <see cref="UserName"/> and its storage is <see cref="FileSystem"/>. Defaults to null: every permission, no limit.
    /// </summary>
    public SftpAccount? Account { get; init; }
}
