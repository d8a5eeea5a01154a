using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// The owner side of a share: the account (only while it exists, is enabled and has not expired) and its file system
/// through the session pipeline (storage, folders, permissions, filters, quotas, bandwidth, events labelled
/// <c>HTTP</c>), the same one its SFTP sessions get.
/// </summary>
internal sealed class ShareOwners
{
    private readonly ISftpUserStore _users;
    private readonly ISftpFileSystemProvider _fileSystems;
    private readonly TimeProvider _time;

    public ShareOwners(ISftpUserStore users, ISftpFileSystemProvider fileSystems, TimeProvider? time = null)
    {
        _users = users;
        _fileSystems = fileSystems;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The account named <paramref name="userName"/> when it may use the server now, else null.</summary>
    public async ValueTask<SftpAccount?> FindActiveAsync(string userName, CancellationToken cancellationToken)
    {
        var account = await _users.FindAsync(userName, cancellationToken);
        if (account is null || !account.Enabled || account.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            return null;
        }
        return account;
    }

    /// <summary>
    /// The account's file system for one HTTP request from <paramref name="remoteAddress"/>; events carry
    /// <paramref name="sessionId"/> as their connection id (<c>share:ID</c> for a share link).
    /// </summary>
    public ValueTask<IVirtualFileSystem> OpenAsync(SftpAccount account, string? sessionId, string? remoteAddress, CancellationToken cancellationToken)
    {
        var principal = new SshPrincipal(account.UserName, account.HomeDirectory).SetFeature(account);
        return _fileSystems.GetFileSystemAsync(principal, SftpEventProtocol.Http, sessionId, remoteAddress, cancellationToken);
    }
}
