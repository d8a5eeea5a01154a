using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Shares;

/// <summary>The outcome of a change asked of <see cref="ShareService"/>: the share as stored, or what was wrong.</summary>
public sealed class ShareResult
{
    private ShareResult(SftpShare? share, IReadOnlyDictionary<string, string[]> errors, bool notFound)
    {
        Share = share;
        Errors = errors;
        NotFound = notFound;
    }

    /// <summary>The share as stored (its password hash included); null when the change failed.</summary>
    public SftpShare? Share { get; }

    /// <summary>Problems by field (<c>name</c>, <c>paths</c>, <c>password</c>, ...), with messages fit for the user; empty on success.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>True when the share (or its owner) does not exist.</summary>
    public bool NotFound { get; }

    /// <summary>True when the change was made.</summary>
    public bool Succeeded => Share is not null;

    internal static ShareResult Done(SftpShare share) => new(share, new Dictionary<string, string[]>(), false);

    internal static ShareResult Invalid(IReadOnlyDictionary<string, string[]> errors) => new(null, errors, false);

    internal static ShareResult Missing() => new(null, new Dictionary<string, string[]>(), true);
}
