using System.Text.Json.Serialization;

namespace SftpKit.Accounts;

/// <summary>
/// How long files under one virtual directory of an account are kept: <c>{"path":"/folder1","retention":72}</c>.
/// The deepest policy whose path holds a file decides; <see cref="Retention"/> 0 keeps the files (e.g. a
/// subdirectory exempt from its parent's policy).
/// </summary>
public sealed record SftpRetentionPolicy
{
    /// <summary>The virtual directory (absolute, e.g. <c>/folder1/sub</c>; normalised before use, <c>..</c> refused).</summary>
    [JsonPropertyName("path")]
    public string Path { get; init; } = "/";

    /// <summary>Hours a file is kept after its last modification; 0 = keep forever. Range 0–876,000 (100 years).</summary>
    [JsonPropertyName("retention")]
    public int Retention { get; init; }
}

/// <summary>One file a retention check deleted.</summary>
/// <param name="Path">Its virtual path inside the account.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">Its last modification time.</param>
public sealed record SftpRetentionDeletion(string Path, long Size, DateTimeOffset LastModified);

/// <summary>What a retention check did.</summary>
public sealed record SftpRetentionResult
{
    /// <summary>The account checked.</summary>
    public required string UserName { get; init; }

    /// <summary>When the check started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended (UTC).</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Files deleted.</summary>
    public long DeletedFiles { get; init; }

    /// <summary>Bytes deleted.</summary>
    public long DeletedBytes { get; init; }

    /// <summary>
    /// The files deleted, at most <see cref="Policies.SftpRetentionCheck.MaxReportedDeletions"/> (1000) of them;
    /// <see cref="DeletedListTruncated"/> says when there were more.
    /// </summary>
    public IReadOnlyList<SftpRetentionDeletion> Deleted { get; init; } = [];

    /// <summary>True when more files were deleted than <see cref="Deleted"/> lists.</summary>
    public bool DeletedListTruncated { get; init; }

    /// <summary>Files or directories that could not be read or deleted (they are kept; the check goes on).</summary>
    public int Errors { get; init; }
}
