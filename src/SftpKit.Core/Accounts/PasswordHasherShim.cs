// Temporary stand-in until the password-hashing work lands; removed at merge.
namespace SftpKit.Accounts;

/// <summary>Result of a password check.</summary>
public enum PasswordVerificationResult
{
    /// <summary>Wrong password.</summary>
    Failed,
    /// <summary>Right password.</summary>
    Success,
    /// <summary>Right password; store a fresh hash.</summary>
    SuccessRehashNeeded,
}

/// <summary>Password hashing.</summary>
public static class SftpPasswordHasher
{
    /// <summary>Hashes.</summary>
    public static string Hash(string password) => SshPasswordHasher.Hash(password);

    /// <summary>Verifies.</summary>
    public static PasswordVerificationResult Verify(string hash, string password) =>
        SshPasswordHasher.Verify(hash, password) ? PasswordVerificationResult.Success : PasswordVerificationResult.Failed;

    /// <summary>Dummy.</summary>
    public static void VerifyDummy(string password) => SshPasswordHasher.Verify(SshPasswordHasher.DummyHash, password);
}
