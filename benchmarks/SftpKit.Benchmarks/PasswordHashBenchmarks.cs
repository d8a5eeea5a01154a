using BenchmarkDotNet.Attributes;
using SftpKit.Accounts;

namespace SftpKit.Benchmarks;

/// <summary>
/// One password verification per operation for each scheme SftpPasswordHasher reads, at the parameters its writers
/// use by default, plus hashing a new password and the dummy verification run for unknown users.
/// </summary>
[MemoryDiagnoser]
public class PasswordHashBenchmarks
{
    private const string Password = "correct horse";

    // Same vectors as tests/SftpKit.Core.Tests/Accounts (password "correct horse" unless noted).
    [Params(
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$2b$10$abcdefghijklmnopqrstuu",
        "$pbkdf2-sha256$600000$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=",
        "$6$saltstring$.r0X7ub5wGR2v4Xz7svCIozfnlorFh19V89t8KC9Umd81uGhFgsyTRNyzQDXDIm17fFcR9z3z7oBNdsyYBbtm/",
        "$5$saltstring$vc6YOOogU4kWVvwga8e9zTFgKcy4tb5LaPxIiPJzqEC",
        "$1$saltsalt$NuzA7WTAelpl95xgBGWN60")]
    public string Hash { get; set; } = "";

    private string _stored = "";

    [GlobalSetup]
    public void Setup()
    {
        // A bcrypt hash of cost 10 (the common default) is made here: the Params row names only its setting.
        _stored = Hash.StartsWith("$2b$", StringComparison.Ordinal) ? BCrypt.Net.BCrypt.HashPassword(Password, Hash) : Hash;
        if (SftpPasswordHasher.Verify(_stored, Password) == PasswordVerificationResult.Failed && !Hash.StartsWith("$pbkdf2", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("benchmark vector does not verify: " + Hash);
        }
    }

    /// <summary>Verification of the right password (the PBKDF2 row fails at the end: same cost).</summary>
    [Benchmark]
    public PasswordVerificationResult Verify() => SftpPasswordHasher.Verify(_stored, Password);
}

/// <summary>Hashing a new password, and the dummy verification for unknown users.</summary>
[MemoryDiagnoser]
public class PasswordHashDefaultBenchmarks
{
    [Benchmark]
    public string Hash() => SftpPasswordHasher.Hash("correct horse");

    [Benchmark]
    public void VerifyDummy() => SftpPasswordHasher.VerifyDummy("correct horse");
}
