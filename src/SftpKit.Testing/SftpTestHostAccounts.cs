using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Testing;

/// <summary>
/// Turns the users of a <see cref="SftpTestHost"/> into the accounts of its <see cref="InMemoryUserStore"/>, and is the
/// storage provider (<see cref="ProviderName"/>) that hands each account the in-memory file system of its user.
/// </summary>
internal sealed class SftpTestHostAccounts : ISftpStorageProvider
{
    /// <summary>The provider name the accounts' <see cref="SftpAccount.FileSystem"/> names; its root is the user name.</summary>
    public const string ProviderName = "sftpkit-test-host";

    private readonly Dictionary<string, InMemoryFileSystem> _fileSystems = new(StringComparer.Ordinal);
    private readonly List<SftpAccount> _accounts = [];

    /// <summary>Checks the users (unique names, readable keys) and builds their accounts; passwords are hashed here.</summary>
    /// <exception cref="ArgumentException">No users, a duplicate name, or an unreadable authorized key line.</exception>
    public SftpTestHostAccounts(IReadOnlyList<SftpTestUser> users)
    {
        if (users.Count == 0)
        {
            throw new ArgumentException("At least one user is required.", nameof(users));
        }
        foreach (var user in users)
        {
            if (!_fileSystems.TryAdd(user.UserName, user.FileSystem))
            {
                throw new ArgumentException($"User '{user.UserName}' is listed twice.", nameof(users));
            }
            if (user.AuthorizedKeys.Any(line => !SshPublicKey.TryParseAuthorizedKey(line, out _)))
            {
                throw new ArgumentException($"User '{user.UserName}' has an unreadable authorized key line.", nameof(users));
            }
        }
        foreach (var user in users)
        {
            var account = user.Account?.Clone() ?? new SftpAccount();
            account.UserName = user.UserName;
            account.PasswordHash = user.Password is null ? null : SftpPasswordHasher.Hash(user.Password);
            account.PublicKeys = new List<string>(user.AuthorizedKeys);
            account.HomeDirectory = null;
            account.FileSystem = new SftpFileSystemConfig { Provider = ProviderName, Root = user.UserName };
            _accounts.Add(account);
        }
    }

    /// <summary>The accounts, one per user, in the order given.</summary>
    public IReadOnlyList<SftpAccount> Accounts => _accounts;

    /// <inheritdoc/>
    public string Name => ProviderName;

    /// <summary>The in-memory file system of <paramref name="userName"/>.</summary>
    /// <exception cref="ArgumentException">No such user.</exception>
    public InMemoryFileSystem Get(string userName) =>
        _fileSystems.TryGetValue(userName, out var fs) ? fs : throw new ArgumentException($"No user '{userName}'.", nameof(userName));

    /// <inheritdoc/>
    public ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(account);
        return ValueTask.FromResult<IVirtualFileSystem>(Get(config.Root ?? account.UserName));
    }
}
