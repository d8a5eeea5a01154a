namespace SftpKit.Accounts;

/// <summary>
/// A link an account holder hands out to files or folders of their own: anyone with the link (and the password, when
/// one is set) reads or uploads through the owner's file system, with the owner's permissions, filters and quota.
/// Kept by an <see cref="ISftpShareStore"/>. The share JSON has the fields <c>id</c>, <c>name</c>, <c>description</c>,
/// <c>scope</c>, <c>paths</c>, <c>username</c>, <c>created_at</c>, <c>updated_at</c>, <c>last_use_at</c>,
/// <c>expires_at</c>, <c>password</c>, <c>max_tokens</c>, <c>used_tokens</c> and <c>allow_from</c>.
/// </summary>
public sealed class SftpShare
{
    /// <summary>Longest share name, in characters: 255.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Most paths one share holds: 100.</summary>
    public const int MaxPaths = 100;

    /// <summary>The id in the link: unique per server, 1–64 URL-safe characters (letters, digits, <c>-</c>, <c>_</c>).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>A name the owner chose (1–<see cref="MaxNameLength"/> characters).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Free text for the owner and the people the link is given to.</summary>
    public string? Description { get; set; }

    /// <summary>What the link allows. Defaults to <see cref="SftpShareScope.Read"/>.</summary>
    public SftpShareScope Scope { get; set; } = SftpShareScope.Read;

    /// <summary>
    /// Absolute paths in the owner's file system (<c>/docs/a.pdf</c>, <c>/photos</c>); a write or read-write share has
    /// exactly one, a folder. At most <see cref="MaxPaths"/>.
    /// </summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>The owner's user name; the link stops working while the account is missing, disabled or expired.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>When the share was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the share was last changed (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the link was last used for a download or upload (UTC); null before the first.</summary>
    public DateTimeOffset? LastUseAt { get; set; }

    /// <summary>When the link stops working (UTC); null (default) = never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// The hash of the link's password (written by <see cref="SftpPasswordHasher.Hash"/>), or null for no password.
    /// Never the password itself.
    /// </summary>
    public string? PasswordHash { get; set; }

    /// <summary>How many downloads and uploads the link allows in all; 0 (default) = no limit.</summary>
    public int MaxTokens { get; set; }

    /// <summary>Downloads and uploads made through the link so far.</summary>
    public int UsedTokens { get; set; }

    /// <summary>IP addresses or CIDR networks the link works from; empty (default) = any.</summary>
    public List<string> AllowFrom { get; set; } = [];

    /// <summary>True when <see cref="ExpiresAt"/> is set and not after <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    /// <summary>True when <see cref="MaxTokens"/> is set and every token is used.</summary>
    public bool IsExhausted => MaxTokens > 0 && UsedTokens >= MaxTokens;

    /// <summary>A deep copy.</summary>
    public SftpShare Clone() => new()
    {
        Id = Id,
        Name = Name,
        Description = Description,
        Scope = Scope,
        Paths = [.. Paths ?? []],
        UserName = UserName,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        LastUseAt = LastUseAt,
        ExpiresAt = ExpiresAt,
        PasswordHash = PasswordHash,
        MaxTokens = MaxTokens,
        UsedTokens = UsedTokens,
        AllowFrom = [.. AllowFrom ?? []],
    };

    /// <summary>True when <paramref name="id"/> is a valid share id (1–64 of <c>A-Z a-z 0-9 - _</c>).</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
