using SftpKit.Accounts;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// Committed known-answer vectors for every format SftpPasswordHasher reads. They were written by the reference tools
/// (argon2-cffi, python bcrypt, hashlib.pbkdf2_hmac, glibc crypt through python, openssl passwd -apr1), plus the
/// published examples of the SHA-crypt specification and SFTPGo's documentation.
/// </summary>
public sealed class PasswordHashKnownAnswerTests
{
    private const string LongX = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    private const string LongY = "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy";
    private const string LongZ = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

    public static TheoryData<string, string, string> Vectors => new()
    {
        { "argon2id light", "$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$mRIOcBJoxOVzf7SjxGpT8YMA+V7dtAjYkmQ3LgoXh1Y", "pässwörd✓" },
        { "argon2i", "$argon2i$v=19$m=256,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$MriUYb9/8robLV4U0W409W7GSug4kcQW", "correct horse" },
        { "argon2d", "$argon2d$v=19$m=128,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6wBOK/3IbCyu6+/NSPiMZ/OXbxyOPkcdcXPi10VJUw8", "correct horse" },
        { "argon2id v16", "$argon2id$v=16$m=128,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$EROuuHTUN0/AbDKCYKOSmxesH1Fm0iB4Ee58a7Ikx0k", "correct horse" },
        { "bcrypt 2b", "$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", "correct horse" },
        { "bcrypt 2a", "$2a$06$abcdefghijklmnopqrstuuXbKzE8TwXPuRo4bcmooFCGV29JlWZf6", "pässwörd✓" },
        { "sftpgo doc", "$pbkdf2-sha256$150000$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=", "password" },
        { "sftpgo sha1", "$pbkdf2-sha1$1000$saltysalt$IJr7AsPnoFOPxPTaJU4itBYEaz4=", "correct horse" },
        { "sftpgo sha512", "$pbkdf2-sha512$2000$NaCl$CQ+ilvKNwWJBnZxBG95Mo4xlfWLc5kaxFkpwgDO6bQdbDM0cOyA3xgH3qMROamoUWb4PmzTjtOHqwZXCoaNbbA==", "pässwörd✓" },
        { "sftpgo b64salt", "$pbkdf2-b64salt-sha256$3000$AQJiaW5hcnn/c2FsdA==$4CiYV6hIHPtOcvr/BaGcGm1xEnhL2qNiAHKKahYrU/w=", "correct horse" },
        { "passlib sha256", "$pbkdf2-sha256$29000$cGFzc2xpYi1zYWx0Ky94$W411Iv.id7Fz4gY6CrrdpuQ/NDojsuFYJXNf9sE1rXM", "correct horse" },
        { "passlib sha512", "$pbkdf2-sha512$25000$cGFzc2xpYi1zYWx0Ky94$vVZ9PhBsmGVb2GbgcxZXdLJQ6XTozfRN9gosHC2w7NTSIgDITurMEQCfb23zRi1ZkrgSXPNb1vYXtAFL0rWXog", "correct horse" },
        { "passlib sha1", "$pbkdf2$131000$cGFzc2xpYi1zYWx0Ky94$gJlxFw2XYZqVuW/F8hFUAsU5U6k", "correct horse" },
        { "django sha256", "pbkdf2_sha256$260000$Dj4ngoSalt$/7KWXOcH/oAxeH1lAiq+49JnzprhHWKVBzQG6GGjMgE=", "correct horse" },
        { "django sha1", "pbkdf2_sha1$10000$Dj4ngoSalt$2/SMjKDObVBCfg7l7O+hmnXmkXg=", "correct horse" },
        { "md5crypt", "$1$saltsalt$NuzA7WTAelpl95xgBGWN60", "correct horse" },
        { "md5crypt unicode", "$1$x$KBDLBTwIQszpmlwGCAbNv/", "pässwörd✓" },
        { "md5crypt empty salt", "$1$$IfI/mw4YSCwcQoW.D.DSu1", "correct horse" },
        { "apr1", "$apr1$Apr1Salt$oLr0NmClHr452535xWSJq.", "correct horse" },
        { "sha256crypt", "$5$saltstring$vc6YOOogU4kWVvwga8e9zTFgKcy4tb5LaPxIiPJzqEC", "correct horse" },
        { "sha256crypt rounds", "$5$rounds=12345$0123456789abcdef$mcxc/EW3N29xeZ80TtjGDfwH.sZ1k5vGjjI4E7htLy5", "pässwörd✓" },
        { "sha512crypt", "$6$saltstring$.r0X7ub5wGR2v4Xz7svCIozfnlorFh19V89t8KC9Umd81uGhFgsyTRNyzQDXDIm17fFcR9z3z7oBNdsyYBbtm/", "correct horse" },
        { "sha512crypt rounds", "$6$rounds=1000$short$NbY4zv1ObFbXRwnZ0iSmIpTfEbR29ICwEWfVq0ZXqcc/IRkA9tY1ayiuvaWTD2HvpNa.U6dnHnS1tCmHNcevx1", "pässwörd✓" },
        { "sha256crypt empty pw", "$5$empty$3K9/D2YPFYWGxmrKN0aBSx.KoWwkHU6Pdzn3GnrLXz6", "" },
        // The SHA-crypt specification's own examples ("Hello world!").
        { "spec sha256crypt", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", "Hello world!" },
        { "spec sha512crypt", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", "Hello world!" },
        { "spec sha512crypt rounds", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.", "Hello world!" },
        // SFTPGo's documented bcrypt example (cost 14).
        { "sftpgo bcrypt", "$2a$14$ajq8Q7fbtFRQvXpdCq7Jcuy.Rx1h/L4J60Otx.gyNLbAYctGMJ9tK", "secret" },
        // bcrypt $2y$ (PHP) is the same algorithm as $2b$ for these inputs.
        { "bcrypt 2y", "$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", "correct horse" },
        { "sha512crypt long pw", "$6$longpw$Twg.5yo9tdE0/GKj1C9dbKPzN/7PpOhfimMWAki/FOXdeFw9B0G9qAY8tiTfvNA1f1ZfL5d8c4Zo.NC9CM2eZ0", LongX },
        { "sha256crypt long pw", "$5$rounds=1000$longpw$eObrA1RQPhI22cdku5CfGGazQYLGQa5zKW7wblza8a7", LongY },
        { "md5crypt long pw", "$1$longpw$aXAY4PnEqKgBs6jLgDynU.", LongZ },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verifies_KnownAnswer_AsRehashNeeded(string name, string hash, string password)
    {
        Assert.True(SftpPasswordHasher.IsSupported(hash), name);
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, SftpPasswordHasher.Verify(hash, password));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Fails_KnownAnswer_WithWrongPassword(string name, string hash, string password)
    {
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, password + "x"));
        if (password.Length > 0)
        {
            Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, password[..^1]));
            Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, password.ToUpperInvariant() + "!"));
        }
        Assert.True(name.Length > 0);
    }

    [Fact]
    public void Verifies_DefaultArgon2id_AsSuccess()
    {
        // Written by argon2-cffi with exactly SftpKit's defaults: no rehash.
        const string hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is";
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(hash, "correct horse"));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, "correct horsE"));
    }
}
