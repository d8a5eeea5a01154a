using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Hosting;
using SftpKit.Ssh.Authentication;

namespace SftpKit.Tests.Accounts;

public sealed class SftpPasswordHasherTests
{
    private const string DefaultPrefix = "$argon2id$v=19$m=19456,t=2,p=1$";

    [Fact]
    public void Hash_WritesDefaultArgon2id_ThatVerifiesAsSuccess()
    {
        string hash = SftpPasswordHasher.Hash("pässwörd✓");
        Assert.StartsWith(DefaultPrefix, hash);
        string[] parts = hash.Split('$');
        Assert.Equal(6, parts.Length);
        Assert.Equal(16, Convert.FromBase64String(parts[4] + "==").Length);
        Assert.Equal(32, Convert.FromBase64String(parts[5] + "=").Length);
        Assert.DoesNotContain('=', parts[4] + parts[5]);

        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(hash, "pässwörd✓"));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, "passwörd✓"));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, ""));
        Assert.True(SftpPasswordHasher.IsSupported(hash));
    }

    [Fact]
    public void Hash_UsesFreshSalt()
    {
        string first = SftpPasswordHasher.Hash("same");
        string second = SftpPasswordHasher.Hash("same");
        Assert.NotEqual(first.Split('$')[4], second.Split('$')[4]);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Hash_RefusesNullAndOverlongPasswords()
    {
        Assert.Throws<ArgumentNullException>(() => SftpPasswordHasher.Hash(null!));
        Assert.Throws<ArgumentException>(() => SftpPasswordHasher.Hash(new string('a', SftpPasswordHasher.MaxPasswordBytes + 1)));
        // 512 two-byte characters are exactly the limit in UTF-8.
        Assert.StartsWith(DefaultPrefix, SftpPasswordHasher.Hash(new string('é', SftpPasswordHasher.MaxPasswordBytes / 2)));
        Assert.Throws<ArgumentException>(() => SftpPasswordHasher.Hash(new string('é', SftpPasswordHasher.MaxPasswordBytes / 2 + 1)));
    }

    [Fact]
    public void Verify_RefusesNullPassword_ButNeverThrowsForTheHash()
    {
        Assert.Throws<ArgumentNullException>(() => SftpPasswordHasher.Verify("$1$salt$xxxxxxxxxxxxxxxxxxxxxx", null!));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(null!, "x"));
        Assert.False(SftpPasswordHasher.IsSupported(null!));
    }

    [Fact]
    public void Verify_FailsPasswordsOverTheLimit_EvenWhenTheyMatch()
    {
        // PBKDF2 with one iteration so the boundary is cheap to build here; the limit is the same for every scheme.
        string atLimit = new('p', SftpPasswordHasher.MaxPasswordBytes);
        string overLimit = atLimit + "p";
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, SftpPasswordHasher.Verify(Pbkdf2(atLimit), atLimit));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(Pbkdf2(overLimit), overLimit));

        static string Pbkdf2(string password) =>
            "$pbkdf2-sha256$1$salt$" + Convert.ToBase64String(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), "salt"u8.ToArray(), 1, HashAlgorithmName.SHA256, 32));
    }

    public static TheoryData<string> Malformed => new()
    {
        "",
        "plain-text-password",
        "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7",  // yescrypt: not supported
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA",                      // no hash
        "$argon2id$v=20$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$t=2,m=19456,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$m=262145,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$m=19456,t=17,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$m=19456,t=2,p=17$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$m=15,t=2,p=2$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",      // m < 8p
        "$argon2id$v=19$m=019456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$m=19456,t=2,p=1,keyid=abc$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA==$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",  // PHC forbids padding
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNh bHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",  // whitespace
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",                    // 4-byte salt
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HV",                               // 12-byte hash
        "$argon2x$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is",
        "$2b$03$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2",                                        // cost below 4
        "$2b$16$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2",                                        // cost over the limit
        "$2b$31$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2",
        "$2x$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2",                                        // buggy-variant marker
        "$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy",                                         // one short
        "$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs+NLUTJO3lOy2",                                        // not crypt alphabet
        "$2b$5$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2x",
        "$pbkdf2-sha256$0$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=",
        "$pbkdf2-sha256$5000001$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=",
        "$pbkdf2-sha256$0150000$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=",
        "$pbkdf2-sha256$-1$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=",
        "$pbkdf2-sha256$150000$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZ",                         // unpadded with '+': neither form
        "$pbkdf2-sha256$150000$$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=",                                 // empty salt
        "$pbkdf2-sha256$150000$E86a9YMX3zC7$R5J62hsS",                                                         // 6-byte digest
        "$pbkdf2-sha384$150000$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=",
        "$pbkdf2-sha256$150000$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=$extra",
        "$pbkdf2-b64salt-sha256$3000$not*base64$4CiYV6hIHPtOcvr/BaGcGm1xEnhL2qNiAHKKahYrU/w=",
        "pbkdf2_sha512$10000$salt$2/SMjKDObVBCfg7l7O+hmnXmkXg=",
        "$1$saltsalt9$NuzA7WTAelpl95xgBGWN60",                                                                 // 9-character salt
        "$1$saltsalt$NuzA7WTAelpl95xgBGWN6",
        "$1$saltsalt$NuzA7WTAelpl95xgBGWN60$",
        "$1$saltsalt",
        "$5$rounds=999$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
        "$5$rounds=1000001$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
        "$5$rounds=999999999$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
        "$5$rounds=$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
        "$5$rounds=5000",
        "$5$saltstringsaltstr$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",                                    // 17-character salt
        "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc",
        "$6$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",                                           // sha256 length under $6$
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35in_1",
        "$6$" + new string('a', 2000),
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_IsUnsupported_AndFails(string hash)
    {
        Assert.False(SftpPasswordHasher.IsSupported(hash));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, "correct horse"));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, "Hello world!"));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, "password"));
    }

    [Fact]
    public void Limits_AreInclusive()
    {
        Assert.True(SftpPasswordHasher.IsSupported($"$5$rounds={SftpPasswordHasher.MaxShaCryptRounds}$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"));
        Assert.True(SftpPasswordHasher.IsSupported("$5$rounds=1000$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"));
        Assert.True(SftpPasswordHasher.IsSupported($"$pbkdf2-sha256${SftpPasswordHasher.MaxPbkdf2Iterations}$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo="));
        Assert.True(SftpPasswordHasher.IsSupported($"$2b${SftpPasswordHasher.MaxBcryptCost}$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2"));
        Assert.True(SftpPasswordHasher.IsSupported("$2b$04$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2"));
        const string argon2Tail = "$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is";
        int maxMemory = SftpPasswordHasher.MaxArgon2MemoryKiB;
        Assert.True(SftpPasswordHasher.IsSupported($"$argon2id$v=19$m={maxMemory},t={SftpPasswordHasher.MaxArgon2Work / maxMemory},p={SftpPasswordHasher.MaxArgon2Parallelism}" + argon2Tail));
        Assert.False(SftpPasswordHasher.IsSupported($"$argon2id$v=19$m={maxMemory},t={SftpPasswordHasher.MaxArgon2Work / maxMemory + 1},p=1" + argon2Tail));
        Assert.True(SftpPasswordHasher.IsSupported($"$argon2id$v=19$m=65536,t={SftpPasswordHasher.MaxArgon2Iterations},p=4" + argon2Tail));
        Assert.True(SftpPasswordHasher.IsSupported("$argon2id$v=19$m=65536,t=3,p=4" + argon2Tail));  // RFC 9106 low-memory
        Assert.True(SftpPasswordHasher.IsSupported("$1$$IfI/mw4YSCwcQoW.D.DSu1"));
    }

    [Fact]
    public void Bcrypt_ComparesDigestOnly_SoUnusedSaltBitsDoNotMatter()
    {
        // The 22nd salt character carries 2 unused bits: 'u' and 'v' decode to the same salt. Go's crypto/bcrypt and
        // python bcrypt verify both spellings; so must we.
        const string canonical = "$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2";
        const string spelledDifferently = "$2b$05$abcdefghijklmnopqrstuvHNbAKRhpaujgo33bRWs.NLUTJO3lOy2";
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, SftpPasswordHasher.Verify(canonical, "correct horse"));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, SftpPasswordHasher.Verify(spelledDifferently, "correct horse"));
    }

    [Fact]
    public void VerifyDummy_DoesTheWorkOfADefaultVerification()
    {
        // Measured in bytes allocated (argon2's memory matrix), not time: the dummy must fill the same 19 MiB matrix
        // that verifying a real default hash fills.
        string hash = SftpPasswordHasher.Hash("warm up");
        SftpPasswordHasher.VerifyDummy("warm up");

        long before = GC.GetAllocatedBytesForCurrentThread();
        SftpPasswordHasher.Verify(hash, "wrong password");
        long real = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        SftpPasswordHasher.VerifyDummy("wrong password");
        long dummy = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(real >= SftpPasswordHasher.DefaultArgon2MemoryKiB * 1024L, $"real verification allocated {real} bytes");
        Assert.InRange(dummy, real * 9 / 10, real * 11 / 10);
        Assert.Throws<ArgumentNullException>(() => SftpPasswordHasher.VerifyDummy(null!));
    }

    [Fact]
    public async Task InMemoryAuthenticator_UnknownUser_RunsTheDummyVerification()
    {
        var options = new SftpServerOptions();
        options.Users.Add(new SshUser { UserName = "bob", PasswordHash = "$1$saltsalt$NuzA7WTAelpl95xgBGWN60" });
        options.Users.Add(new SshUser { UserName = "carol", Password = "carol's password" });
        options.Users.Add(new SshUser { UserName = "nopass" });
        var authenticator = new InMemoryAuthenticator(Options.Create(options));

        Assert.True((await authenticator.AuthenticatePasswordAsync(Context("bob"), "correct horse", default)).Succeeded);
        Assert.False((await authenticator.AuthenticatePasswordAsync(Context("bob"), "correct horse!", default)).Succeeded);
        Assert.True((await authenticator.AuthenticatePasswordAsync(Context("carol"), "carol's password", default)).Succeeded);
        Assert.False((await authenticator.AuthenticatePasswordAsync(Context("carol"), "carol's passworD", default)).Succeeded);

        foreach (string user in new[] { "mallory", "nopass" })
        {
            // Process-wide: the hash runs on a thread-pool thread (PasswordHashGate), not the caller's.
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var result = await authenticator.AuthenticatePasswordAsync(Context(user), "guess", default);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.False(result.Succeeded);
            Assert.True(allocated >= SftpPasswordHasher.DefaultArgon2MemoryKiB * 1024L, $"{user}: {allocated} bytes");
        }

        static SshAuthContext Context(string user) => new(user, null, "SSH-2.0-test", "c1");
    }

    [Fact]
    public void OptionsValidation_RefusesUnsupportedHashes_WithoutEchoingThem()
    {
        var options = new SftpServerOptions();
        options.Users.Add(new SshUser { UserName = "ok", PasswordHash = "$1$saltsalt$NuzA7WTAelpl95xgBGWN60" });
        options.Users.Add(new SshUser { UserName = "yescrypt", PasswordHash = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7" });
        options.Users.Add(new SshUser { UserName = "long", Password = new string('p', SftpPasswordHasher.MaxPasswordBytes + 1) });
        options.Users.Add(new SshUser { UserName = "plain", Password = "fine" });

        var result = new SftpServerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Users[1].PasswordHash", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Users[2].Password is longer", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("X3DX6M94", StringComparison.Ordinal) || f.Contains("ppp", StringComparison.Ordinal));
    }
}
