using System.Security.Cryptography;
using SftpKit.Accounts;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// Storage secrets at rest: the AES-GCM protector, its key file, and the JSON-file store writing <c>$aes$</c> values,
/// reading them back, and protecting plain values it finds at the next save.
/// </summary>
public sealed class SecretProtectionTests : IDisposable
{
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string SseKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-secrets-" + Guid.NewGuid().ToString("N")[..12]);

    public SecretProtectionTests() => Directory.CreateDirectory(_directory);

    private string KeyFile => Path.Combine(_directory, "secrets.key");

    [Fact]
    public void Protect_marks_the_value_uses_a_fresh_nonce_and_round_trips()
    {
        using var protector = AesGcmSecretProtector.FromKeyFile(KeyFile);
        string first = protector.Protect(SecretKey);
        string second = protector.Protect(SecretKey);
        Assert.StartsWith("$aes$", first, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal(SecretKey, protector.Unprotect(first));
        Assert.Equal(SecretKey, protector.Unprotect(second));
        Assert.Equal(first, protector.Protect(first));
        Assert.Equal("plain value", protector.Unprotect("plain value"));
    }

    [Fact]
    public void Key_file_is_created_owner_only_and_reused()
    {
        string stored;
        using (var protector = AesGcmSecretProtector.FromKeyFile(KeyFile))
        {
            stored = protector.Protect(SseKey);
        }
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(KeyFile).Trim()).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
        using var again = AesGcmSecretProtector.FromKeyFile(KeyFile);
        Assert.Equal(SseKey, again.Unprotect(stored));
    }

    [Fact]
    public void Another_key_or_a_changed_value_does_not_decrypt()
    {
        using var protector = AesGcmSecretProtector.FromKeyFile(KeyFile);
        using var other = AesGcmSecretProtector.FromKeyFile(Path.Combine(_directory, "other.key"));
        string stored = protector.Protect(SecretKey);
        Assert.Throws<CryptographicException>(() => other.Unprotect(stored));
        char[] chars = stored.ToCharArray();
        chars[^3] = chars[^3] == 'A' ? 'B' : 'A';
        Assert.Throws<CryptographicException>(() => protector.Unprotect(new string(chars)));
        Assert.Throws<CryptographicException>(() => protector.Unprotect("$aes$not base64!"));
        File.WriteAllText(Path.Combine(_directory, "short.key"), Convert.ToBase64String(new byte[16]));
        Assert.Throws<InvalidDataException>(() => AesGcmSecretProtector.FromKeyFile(Path.Combine(_directory, "short.key")));
    }

    [Theory]
    [InlineData("SecretAccessKey", true)]
    [InlineData("SseCustomerKey", true)]
    [InlineData("SessionToken", true)]
    [InlineData("password", true)]
    [InlineData("AccessKeyId", false)]
    [InlineData("Bucket", false)]
    [InlineData("AccountKey", true)]
    [InlineData("account_key", true)]
    [InlineData("SasUrl", true)]
    [InlineData("sas_url", true)]
    [InlineData("ConnectionString", true)]
    [InlineData("AccountName", false)]
    [InlineData("Container", false)]
    public void Secret_settings_are_named_by_their_words(string name, bool secret) => Assert.Equal(secret, SftpAccountSecrets.IsSecret(name));

    private static SftpAccount S3Account(string name) => new()
    {
        UserName = name,
        FileSystem = new SftpFileSystemConfig
        {
            Provider = "s3",
            Settings = { ["Bucket"] = "files", ["AccessKeyId"] = "AKIDEXAMPLE", ["SecretAccessKey"] = SecretKey, ["SseCustomerKey"] = SseKey },
        },
        VirtualFolders =
        {
            new SftpVirtualFolder { Name = "archive", VirtualPath = "/archive", FileSystem = new SftpFileSystemConfig { Provider = "s3", Settings = { ["SecretAccessKey"] = SecretKey } } },
        },
    };

    [Fact]
    public async Task Json_store_writes_protected_secrets_and_reads_them_back_plain()
    {
        string file = Path.Combine(_directory, "users.json");
        using var protector = AesGcmSecretProtector.FromKeyFile(KeyFile);
        using (var store = new JsonFileUserStore(file, null, protector))
        {
            await store.CreateAsync(S3Account("alice"), default);
            var found = await store.FindAsync("alice", default);
            Assert.Equal(SecretKey, found!.FileSystem!.Settings["SecretAccessKey"]);
            Assert.Equal(SseKey, found.FileSystem.Settings["SseCustomerKey"]);
        }
        string text = File.ReadAllText(file);
        Assert.DoesNotContain(SecretKey.Replace("/", "\\/", StringComparison.Ordinal), text, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SseKey, text, StringComparison.Ordinal);
        Assert.Equal(3, text.Split("$aes$").Length - 1);
        Assert.Contains("AKIDEXAMPLE", text, StringComparison.Ordinal);

        using var sameKey = AesGcmSecretProtector.FromKeyFile(KeyFile);
        using var reopened = new JsonFileUserStore(file, null, sameKey);
        var account = await reopened.FindAsync("alice", default);
        Assert.Equal(SseKey, account!.FileSystem!.Settings["SseCustomerKey"]);
        Assert.Equal(SecretKey, account.VirtualFolders[0].FileSystem.Settings["SecretAccessKey"]);
    }

    [Fact]
    public async Task Json_store_reads_plain_secrets_and_protects_them_at_the_next_save()
    {
        string file = Path.Combine(_directory, "users.json");
        using (var plainStore = new JsonFileUserStore(file))
        {
            await plainStore.CreateAsync(S3Account("bob"), default);
        }
        Assert.Contains(SseKey, File.ReadAllText(file), StringComparison.Ordinal);

        using var protector = AesGcmSecretProtector.FromKeyFile(KeyFile);
        using var store = new JsonFileUserStore(file, null, protector);
        var account = await store.FindAsync("bob", default);
        Assert.Equal(SseKey, account!.FileSystem!.Settings["SseCustomerKey"]);
        account.Description = "saved once";
        Assert.True(await store.UpdateAsync(account, default));
        string text = File.ReadAllText(file);
        Assert.DoesNotContain(SseKey, text, StringComparison.Ordinal);
        Assert.Contains("$aes$", text, StringComparison.Ordinal);
        Assert.Equal(SseKey, (await store.FindAsync("bob", default))!.FileSystem!.Settings["SseCustomerKey"]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
