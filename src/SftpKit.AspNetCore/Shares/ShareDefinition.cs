using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// What an account holder asks for when creating or changing a share (see <see cref="ShareService"/>). Limits:
/// name 1–255 characters; 1–100 absolute paths, exactly one folder for a write or read-write share; password up to
/// 1024 UTF-8 bytes; expiry in the future; token limit 0 (none) or more; networks as IP addresses or CIDR.
/// </summary>
public sealed class ShareDefinition
{
    /// <summary>The share's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Free text; null for none.</summary>
    public string? Description { get; set; }

    /// <summary>What the link allows. Defaults to <see cref="SftpShareScope.Read"/>.</summary>
    public SftpShareScope Scope { get; set; } = SftpShareScope.Read;

    /// <summary>Absolute paths in the owner's file system that exist (files or folders).</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>When the link stops working; null (default) = never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// The link's password, in clear (stored hashed). Null (default): none when creating, unchanged when updating;
    /// empty when updating: removed.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>Downloads and uploads allowed in all; 0 (default) = no limit.</summary>
    public int MaxTokens { get; set; }

    /// <summary>IP addresses or CIDR networks the link works from; empty (default) = any.</summary>
    public List<string> AllowFrom { get; set; } = [];
}
