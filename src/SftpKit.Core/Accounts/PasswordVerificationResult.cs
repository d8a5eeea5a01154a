namespace SftpKit.Accounts;

/// <summary>The outcome of <see cref="SftpPasswordHasher.Verify"/>.</summary>
public enum PasswordVerificationResult
{
    /// <summary>The password does not match, or the stored hash is malformed, unsupported or outside the limits.</summary>
    Failed = 0,

    /// <summary>The password matches a hash made with the current default scheme and parameters (or stronger ones).</summary>
    Success = 1,

    /// <summary>
    /// The password matches, but the hash uses another scheme or weaker parameters than the default: store
    /// <see cref="SftpPasswordHasher.Hash"/> of the password in its place.
    /// </summary>
    SuccessRehashNeeded = 2,
}
