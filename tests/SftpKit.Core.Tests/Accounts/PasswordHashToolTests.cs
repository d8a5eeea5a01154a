using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// Hashes written at test time by the real tools (openssl passwd; Debian's python3 with crypt, bcrypt, argon2-cffi and
/// hashlib) for fresh random passwords and salts, verified by SftpPasswordHasher; and SftpKit's own hashes verified by
/// argon2-cffi. scripts/test.sh installs python3-bcrypt and python3-argon2.
/// </summary>
public sealed class PasswordHashToolTests
{
    private const string DebianPython = "/usr/bin/python3";

    public static TheoryData<string, string?> OpenSslModes => new()
    {
        { "-1", null }, { "-1", "s4lt" }, { "-1", "eightchr" },
        { "-5", null }, { "-5", "0123456789abcdef" }, { "-5", "x" },
        { "-6", null }, { "-6", "0123456789abcdef" }, { "-6", "x./Y" },
        { "-apr1", null }, { "-apr1", "apr1salt" },
    };

    [Theory]
    [MemberData(nameof(OpenSslModes))]
    public async Task OpenSslPasswd_HashesVerify(string mode, string? salt)
    {
        for (int i = 0; i < 3; i++)
        {
            string password = RandomPassword(i);
            var args = new List<string> { "passwd", mode, "-stdin" };
            if (salt is not null)
            {
                args.AddRange(["-salt", salt]);
            }
            var result = await ProcessRunner.RunAsync("openssl", args, Encoding.UTF8.GetBytes(password + "\n"), timeout: TimeSpan.FromSeconds(30));
            Assert.True(result.ExitCode == 0, result.StandardError);
            string hash = result.Text.Trim();
            Assert.StartsWith(mode == "-apr1" ? "$apr1$" : "$" + mode[1..] + "$", hash);
            AssertVerifies(hash, password, PasswordVerificationResult.SuccessRehashNeeded);
        }
    }

    [Fact]
    public async Task PythonCrypt_ShaCryptAndMd5Crypt_HashesVerify()
    {
        const string script = """
            import crypt, json, sys, warnings
            warnings.simplefilter("ignore")
            pw = sys.stdin.read()
            out = []
            for method, rounds in [(crypt.METHOD_MD5, None), (crypt.METHOD_SHA256, None), (crypt.METHOD_SHA512, None),
                                   (crypt.METHOD_SHA256, 1000), (crypt.METHOD_SHA512, 7777), (crypt.METHOD_SHA256, 20000)]:
                out.append(crypt.crypt(pw, crypt.mksalt(method, rounds=rounds)))
            print(json.dumps(out))
            """;
        await VerifyToolHashesAsync(script, PasswordVerificationResult.SuccessRehashNeeded, expectedCount: 6);
    }

    [Fact]
    public async Task PythonBcrypt_HashesVerify()
    {
        const string script = """
            import bcrypt, json, sys
            pw = sys.stdin.read().encode()
            out = [bcrypt.hashpw(pw, bcrypt.gensalt(rounds=r, prefix=p)).decode() for r, p in [(4, b"2a"), (5, b"2b"), (6, b"2b")]]
            print(json.dumps(out))
            """;
        await VerifyToolHashesAsync(script, PasswordVerificationResult.SuccessRehashNeeded, expectedCount: 3);
    }

    [Fact]
    public async Task PythonBcrypt_OnlyTheFirst72BytesCount()
    {
        // Every bcrypt hashes at most 72 bytes of the password; newer python bcrypt refuses longer input, so the tool
        // hashes the first 72 bytes and SftpKit must accept the long password (and any with the same prefix).
        const string script = """
            import bcrypt, json, sys
            pw = sys.stdin.read().encode()[:72]
            print(json.dumps([bcrypt.hashpw(pw, bcrypt.gensalt(rounds=4)).decode()]))
            """;
        string password = new string('é', 30) + "-tail-that-differs-after-byte-72";
        string hash = JsonSerializer.Deserialize<string[]>(await RunPythonAsync(script, password))![0];
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, SftpPasswordHasher.Verify(hash, password));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, SftpPasswordHasher.Verify(hash, new string('é', 30) + "-tail-that-differs-XXXXXXXXXXXXX"));
        Assert.Equal(PasswordVerificationResult.Failed, SftpPasswordHasher.Verify(hash, new string('é', 30) + "-tail"));
    }

    [Fact]
    public async Task PythonHashlibPbkdf2_SftpGoDjangoAndPasslibForms_Verify()
    {
        const string script = """
            import base64, hashlib, json, os, sys
            pw = sys.stdin.read().encode()
            b64 = lambda b: base64.b64encode(b).decode()
            ab64 = lambda b: b64(b).rstrip("=").replace("+", ".")
            text_salt = base64.b64encode(os.urandom(9)).decode().replace("+", "x").replace("/", "y")
            raw_salt = os.urandom(16)
            out = []
            for name in ["sha1", "sha256", "sha512"]:
                out.append(f"$pbkdf2-{name}$1500${text_salt}${b64(hashlib.pbkdf2_hmac(name, pw, text_salt.encode(), 1500))}")
            out.append(f"$pbkdf2-b64salt-sha256$1200${b64(raw_salt)}${b64(hashlib.pbkdf2_hmac('sha256', pw, raw_salt, 1200))}")
            out.append(f"pbkdf2_sha256$2000${text_salt}${b64(hashlib.pbkdf2_hmac('sha256', pw, text_salt.encode(), 2000))}")
            out.append(f"pbkdf2_sha1$2000${text_salt}${b64(hashlib.pbkdf2_hmac('sha1', pw, text_salt.encode(), 2000))}")
            out.append(f"$pbkdf2$1300${ab64(raw_salt)}${ab64(hashlib.pbkdf2_hmac('sha1', pw, raw_salt, 1300))}")
            out.append(f"$pbkdf2-sha256$1300${ab64(raw_salt)}${ab64(hashlib.pbkdf2_hmac('sha256', pw, raw_salt, 1300))}")
            out.append(f"$pbkdf2-sha512$1300${ab64(raw_salt)}${ab64(hashlib.pbkdf2_hmac('sha512', pw, raw_salt, 1300))}")
            print(json.dumps(out))
            """;
        await VerifyToolHashesAsync(script, PasswordVerificationResult.SuccessRehashNeeded, expectedCount: 9);
    }

    [Fact]
    public async Task PythonArgon2_WeakerOrOtherVariants_VerifyWithRehash()
    {
        const string script = """
            import json, os, sys
            from argon2.low_level import hash_secret, Type
            pw = sys.stdin.read().encode()
            cases = [(Type.ID, 19, 1, 19456, 1, 32, 16),   # one pass fewer than the default
                     (Type.ID, 19, 2, 16384, 1, 32, 16),   # less memory
                     (Type.ID, 19, 2, 19456, 1, 16, 16),   # shorter hash (argon2-cffi 21's default length)
                     (Type.ID, 19, 2, 19456, 1, 32, 8),    # shorter salt
                     (Type.ID, 16, 2, 19456, 1, 32, 16),   # argon2 1.0
                     (Type.I, 19, 2, 19456, 1, 32, 16),
                     (Type.D, 19, 3, 1024, 4, 32, 16)]
            out = [hash_secret(pw, os.urandom(s), t, m, p, h, ty, version=v).decode() for ty, v, t, m, p, h, s in cases]
            print(json.dumps(out))
            """;
        await VerifyToolHashesAsync(script, PasswordVerificationResult.SuccessRehashNeeded, expectedCount: 7);
    }

    [Fact]
    public async Task PythonArgon2_DefaultOrStronger_VerifyWithoutRehash()
    {
        const string script = """
            import json, sys
            from argon2 import PasswordHasher
            pw = sys.stdin.read()
            out = [PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16).hash(pw),
                   PasswordHasher(time_cost=3, memory_cost=32768, parallelism=2, hash_len=64, salt_len=32).hash(pw),
                   # RFC 9106's second recommended (low-memory) profile
                   PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16).hash(pw)]
            print(json.dumps(out))
            """;
        await VerifyToolHashesAsync(script, PasswordVerificationResult.Success, expectedCount: 3);
    }

    [Fact]
    public async Task SftpKitHashes_AreVerifiedByArgon2Cffi()
    {
        string password = RandomPassword(1);
        string hash = SftpPasswordHasher.Hash(password);
        const string script = """
            import json, sys
            from argon2 import PasswordHasher
            from argon2.exceptions import VerifyMismatchError
            req = json.loads(sys.stdin.read())
            ph = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16)
            ok = ph.verify(req["hash"], req["password"])
            try:
                ph.verify(req["hash"], req["password"] + "x")
                wrong = True
            except VerifyMismatchError:
                wrong = False
            print(json.dumps([ok, wrong, ph.check_needs_rehash(req["hash"])]))
            """;
        string request = JsonSerializer.Serialize(new Dictionary<string, string> { ["hash"] = hash, ["password"] = password });
        var result = await RunPythonAsync(script, request);
        Assert.Equal("[true, false, false]", result.Trim());
    }

    private static async Task VerifyToolHashesAsync(string script, PasswordVerificationResult expected, int expectedCount)
    {
        for (int i = 0; i < 2; i++)
        {
            string password = RandomPassword(i);
            string output = await RunPythonAsync(script, password);
            string[] hashes = JsonSerializer.Deserialize<string[]>(output)!;
            Assert.Equal(expectedCount, hashes.Length);
            foreach (string hash in hashes)
            {
                AssertVerifies(hash, password, expected);
            }
        }
    }

    private static void AssertVerifies(string hash, string password, PasswordVerificationResult expected)
    {
        Assert.True(SftpPasswordHasher.IsSupported(hash), hash);
        Assert.True(expected == SftpPasswordHasher.Verify(hash, password), $"{hash} should verify as {expected}");
        Assert.True(SftpPasswordHasher.Verify(hash, password + "!") == PasswordVerificationResult.Failed, $"{hash} accepted a wrong password");
        Assert.True(SftpPasswordHasher.Verify(hash, password[1..]) == PasswordVerificationResult.Failed, $"{hash} accepted a shorter password");
    }

    private static async Task<string> RunPythonAsync(string script, string input)
    {
        var result = await ProcessRunner.RunAsync(DebianPython, ["-c", script], Encoding.UTF8.GetBytes(input), timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.Text;
    }

    // Random printable passwords of varying length; odd ones carry non-ASCII characters (two- and three-byte UTF-8).
    private static string RandomPassword(int variant)
    {
        const string ascii = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#%&()*+,-./:;<=>?@[]^_{|}~'\"\\$";
        int length = RandomNumberGenerator.GetInt32(8, 40);
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = ascii[RandomNumberGenerator.GetInt32(ascii.Length)];
        }
        string password = new(chars);
        return variant % 2 == 1 ? password + "äß€" : password;
    }
}
