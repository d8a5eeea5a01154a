using System.Security.Cryptography;
using System.Text;
using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.Networking;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// Shares for the pages and endpoints that manage them: an account holder lists, creates, changes and deletes their
/// own shares (every call names the owner, so one user never sees another's); an admin lists every share and revokes
/// any. Paths are checked against the owner's file system (they must exist; a write or read-write share names one
/// folder); passwords are hashed with <see cref="SftpPasswordHasher"/> and never kept in clear. Ids are 22 random
/// URL-safe characters (128 bits). Registered by <c>AddSftpShares()</c>.
/// </summary>
public sealed class ShareService
{
    private readonly ISftpShareStore _store;
    private readonly ShareOwners _owners;
    private readonly TimeProvider _time;

    internal ShareService(ISftpShareStore store, ShareOwners owners, TimeProvider? time = null)
    {
        _store = store;
        _owners = owners;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// The path of the share's public link (<c>/web/client/pubshares/ID</c>, under the prefix <c>MapSftpShares</c>
    /// was given, without the request's path base), or null when the links are not mapped.
    /// </summary>
    public string? GetLinkPath(SftpShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return LinkPrefix is { } prefix ? prefix + "/" + Uri.EscapeDataString(share.Id) : null;
    }

    /// <summary>The route prefix of the public links, set by <c>MapSftpShares</c>.</summary>
    internal string? LinkPrefix { get; set; }

    /// <summary>The shares of <paramref name="userName"/>, in id order.</summary>
    public IAsyncEnumerable<SftpShare> ListAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        return _store.ListAsync(userName, cancellationToken);
    }

    /// <summary>Every share of every account, in id order (for admins).</summary>
    public IAsyncEnumerable<SftpShare> ListAllAsync(CancellationToken cancellationToken) => _store.ListAsync(null, cancellationToken);

    /// <summary>The share <paramref name="id"/> when <paramref name="userName"/> owns it (null = any owner, for admins), else null.</summary>
    public async ValueTask<SftpShare?> GetAsync(string? userName, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!SftpShare.IsValidId(id))
        {
            return null;
        }
        var share = await _store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        return share is not null && (userName is null || string.Equals(share.UserName, userName, StringComparison.Ordinal)) ? share : null;
    }

    /// <summary>Creates a share owned by <paramref name="userName"/> (an active account).</summary>
    public async ValueTask<ShareResult> CreateAsync(string userName, ShareDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(definition);
        var owner = await _owners.FindActiveAsync(userName, cancellationToken).ConfigureAwait(false);
        if (owner is null)
        {
            return ShareResult.Missing();
        }
        var errors = await ValidateAsync(owner, definition, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ShareResult.Invalid(errors);
        }
        var now = _time.GetUtcNow();
        var share = new SftpShare
        {
            Id = NewId(),
            UserName = userName,
            CreatedAt = now,
            UpdatedAt = now,
            PasswordHash = string.IsNullOrEmpty(definition.Password) ? null : SftpPasswordHasher.Hash(definition.Password),
        };
        Apply(share, definition);
        await _store.CreateAsync(share, cancellationToken).ConfigureAwait(false);
        return ShareResult.Done(share);
    }

    /// <summary>Changes a share of <paramref name="userName"/>; its id, owner and use counters stay.</summary>
    public async ValueTask<ShareResult> UpdateAsync(string userName, string id, ShareDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(definition);
        var share = await GetAsync(userName, id, cancellationToken).ConfigureAwait(false);
        var owner = share is null ? null : await _owners.FindActiveAsync(userName, cancellationToken).ConfigureAwait(false);
        if (share is null || owner is null)
        {
            return ShareResult.Missing();
        }
        var errors = await ValidateAsync(owner, definition, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ShareResult.Invalid(errors);
        }
        Apply(share, definition);
        if (definition.Password is not null)
        {
            share.PasswordHash = definition.Password.Length == 0 ? null : SftpPasswordHasher.Hash(definition.Password);
        }
        share.UpdatedAt = _time.GetUtcNow();
        return await _store.UpdateAsync(share, cancellationToken).ConfigureAwait(false) ? ShareResult.Done(share) : ShareResult.Missing();
    }

    /// <summary>Deletes a share of <paramref name="userName"/> (null = any owner, for admins: a revocation); false when there is none.</summary>
    public async ValueTask<bool> DeleteAsync(string? userName, string id, CancellationToken cancellationToken)
    {
        var share = await GetAsync(userName, id, cancellationToken).ConfigureAwait(false);
        return share is not null && await _store.DeleteAsync(share.Id, cancellationToken).ConfigureAwait(false);
    }

    private static void Apply(SftpShare share, ShareDefinition definition)
    {
        share.Name = definition.Name.Trim();
        share.Description = string.IsNullOrWhiteSpace(definition.Description) ? null : definition.Description.Trim();
        share.Scope = definition.Scope;
        share.Paths = definition.Paths.Select(p => VirtualPath.Normalize(p)).Distinct(StringComparer.Ordinal).ToList();
        share.ExpiresAt = definition.ExpiresAt?.ToUniversalTime();
        share.MaxTokens = definition.MaxTokens;
        share.AllowFrom = SftpNetworkList.Normalize(definition.AllowFrom);
    }

    private async ValueTask<Dictionary<string, string[]>> ValidateAsync(SftpAccount owner, ShareDefinition d, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }
        string name = d.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > SftpShare.MaxNameLength || name.Any(char.IsControl))
        {
            Add("name", $"A name has 1–{SftpShare.MaxNameLength} characters, without control characters.");
        }
        if (d.Description is { Length: > 4096 })
        {
            Add("description", "A description has at most 4096 characters.");
        }
        if (!Enum.IsDefined(d.Scope))
        {
            Add("scope", "The scope is 1 (read), 2 (write) or 3 (read and write).");
        }
        if (d.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            Add("expires_at", "The expiry must be in the future.");
        }
        if (d.MaxTokens < 0)
        {
            Add("max_tokens", "The token limit is 0 (none) or more.");
        }
        if (d.Password is { } password && Encoding.UTF8.GetByteCount(password) > SftpPasswordHasher.MaxPasswordBytes)
        {
            Add("password", $"A password has at most {SftpPasswordHasher.MaxPasswordBytes} bytes.");
        }
        if (!SftpNetworkList.TryParse(d.AllowFrom ?? [], out _))
        {
            Add("allow_from", "Each entry is an IP address or a CIDR network.");
        }
        var paths = d.Paths ?? [];
        if (paths.Count is 0 or > SftpShare.MaxPaths)
        {
            Add("paths", $"A share names 1–{SftpShare.MaxPaths} paths.");
        }
        else if (d.Scope != SftpShareScope.Read && paths.Count != 1)
        {
            Add("paths", "A share that allows uploads names exactly one folder.");
        }
        else
        {
            var fileSystem = await _owners.OpenAsync(owner, null, null, cancellationToken).ConfigureAwait(false);
            foreach (string raw in paths)
            {
                string path;
                try
                {
                    path = VirtualPath.Normalize(raw ?? string.Empty);
                }
                catch (VfsException)
                {
                    Add("paths", "A path is not valid.");
                    continue;
                }
                try
                {
                    var info = await fileSystem.GetInfoAsync(path, followLinks: true, cancellationToken).ConfigureAwait(false);
                    if (d.Scope != SftpShareScope.Read && info.Type != VfsFileType.Directory)
                    {
                        Add("paths", "A share that allows uploads names a folder.");
                    }
                }
                catch (VfsException)
                {
                    Add("paths", $"'{path}' does not exist or cannot be read.");
                }
            }
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>22 URL-safe characters from 16 random bytes.</summary>
    internal static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
