using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Accounts;

/// <summary>SftpCredentials on a fake clock, with oathtool computing the codes for the clock's time.</summary>
public sealed class SftpCredentialsTests : IDisposable
{
    private const string Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static readonly SftpCredentialOwner s_alice = SftpCredentialOwner.User("alice");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 15, TimeSpan.Zero));
    private readonly InMemoryCredentialStore _store = new();
    private readonly SftpCredentials _credentials;

    public SftpCredentialsTests() => _credentials = new SftpCredentials(_store, null, _clock);

    public void Dispose() => _credentials.Dispose();

    private Task<string> CodeAtAsync(TimeSpan offset) =>
        TwoFactorOpenSshTests.OathtoolAsync(Secret, "@" + (_clock.GetUtcNow() + offset).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task Enrolment_needs_a_valid_code_and_returns_recovery_codes()
    {
        Assert.Null(await _credentials.EnableTotpAsync(s_alice, Secret, "000000", [SftpTotpProtocols.Ssh]));
        var codes = await _credentials.EnableTotpAsync(s_alice, Secret, await CodeAtAsync(TimeSpan.Zero), ["ssh", "http"]);
        Assert.NotNull(codes);
        Assert.Equal(10, codes.Distinct().Count());
        var stored = await _store.GetTotpAsync(s_alice, CancellationToken.None);
        Assert.Equal(["SSH", "HTTP"], stored!.Protocols);
        Assert.DoesNotContain(stored.RecoveryCodes, c => codes.Any(code => c.Hash.Contains(code.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)));
        Assert.True(await _credentials.IsRequiredAsync(s_alice, SftpTotpProtocols.Ssh));
    }

    [Fact]
    public async Task Codes_one_step_either_side_are_accepted_once_and_farther_ones_refused()
    {
        await _store.SetTotpAsync(new SftpTotpConfig { OwnerName = "alice", Secret = Secret, Protocols = ["SSH"] }, CancellationToken.None);
        string earlier = await CodeAtAsync(TimeSpan.FromSeconds(-30));
        string now = await CodeAtAsync(TimeSpan.Zero);
        string later = await CodeAtAsync(TimeSpan.FromSeconds(30));
        string tooLate = await CodeAtAsync(TimeSpan.FromSeconds(90));
        Assert.False(await _credentials.VerifyCodeAsync(s_alice, tooLate));
        Assert.True(await _credentials.VerifyCodeAsync(s_alice, earlier));
        Assert.True(await _credentials.VerifyCodeAsync(s_alice, now));
        Assert.False(await _credentials.VerifyCodeAsync(s_alice, now)); // replay
        Assert.False(await _credentials.VerifyCodeAsync(s_alice, earlier)); // older than the last used
        Assert.True(await _credentials.VerifyCodeAsync(s_alice, later));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(await _credentials.VerifyCodeAsync(s_alice, later)); // outside the window now
        Assert.True(await _credentials.VerifyCodeAsync(s_alice, await CodeAtAsync(TimeSpan.Zero)));
    }

    [Fact]
    public async Task Recovery_codes_work_once_and_a_new_set_replaces_the_old()
    {
        await _store.SetTotpAsync(new SftpTotpConfig { OwnerName = "alice", Secret = Secret, Protocols = ["SSH"] }, CancellationToken.None);
        var first = await _credentials.RegenerateRecoveryCodesAsync(s_alice);
        Assert.True(await _credentials.VerifyCodeAsync(s_alice, first![3].ToLowerInvariant()));
        Assert.False(await _credentials.VerifyCodeAsync(s_alice, first[3]));
        var second = await _credentials.RegenerateRecoveryCodesAsync(s_alice);
        Assert.False(await _credentials.VerifyCodeAsync(s_alice, first[4]));
        Assert.True(await _credentials.VerifyCodeAsync(s_alice, second![4]));
        Assert.Null(await _credentials.RegenerateRecoveryCodesAsync(SftpCredentialOwner.User("bob")));
    }

    [Fact]
    public async Task Tokens_are_checked_for_owner_scope_and_expiry_and_stored_hashed()
    {
        var (token, secret) = await _credentials.CreateTokenAsync(s_alice, "ci", _clock.GetUtcNow().AddHours(1), SftpAccessTokenScopes.Ssh | SftpAccessTokenScopes.Web);
        Assert.StartsWith(SftpCredentials.TokenPrefix + token.Id + "_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[(SftpCredentials.TokenPrefix.Length + 17)..], token.Hash, StringComparison.Ordinal);
        Assert.NotNull(await _credentials.ValidateTokenAsync(s_alice, secret, SftpAccessTokenScopes.Ssh));
        Assert.Null(await _credentials.ValidateTokenAsync(s_alice, secret, SftpAccessTokenScopes.Api));
        Assert.Null(await _credentials.ValidateTokenAsync(SftpCredentialOwner.Admin("alice"), secret, SftpAccessTokenScopes.Ssh));
        Assert.Null(await _credentials.ValidateTokenAsync(s_alice, secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), SftpAccessTokenScopes.Ssh));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await _credentials.ValidateTokenAsync(s_alice, secret, SftpAccessTokenScopes.Ssh));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _credentials.CreateTokenAsync(s_alice, "x", _clock.GetUtcNow().AddDays(400), SftpAccessTokenScopes.Ssh));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _credentials.CreateTokenAsync(s_alice, "x", null, SftpAccessTokenScopes.None));
    }

    [Fact]
    public async Task The_json_store_keeps_records_across_reopening()
    {
        string path = Path.Combine(Path.GetTempPath(), "sftpkit-cred-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using (var store = new JsonFileCredentialStore(path))
            {
                using var credentials = new SftpCredentials(store, null, _clock);
                await credentials.EnableTotpAsync(s_alice, Secret, await CodeAtAsync(TimeSpan.Zero), ["SSH"]);
                await credentials.CreateTokenAsync(s_alice, "ci", null, SftpAccessTokenScopes.Ssh);
            }
            using var reopened = new JsonFileCredentialStore(path);
            Assert.Equal(Secret, (await reopened.GetTotpAsync(s_alice, CancellationToken.None))!.Secret);
            var token = Assert.Single(await reopened.ListTokensAsync(s_alice, CancellationToken.None).ToListAsync());
            Assert.Equal("ci", token.Name);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>The backup document carries second factors (secrets encrypted) and tokens (hashes).</summary>
public sealed class CredentialBackupTests
{
    [Fact]
    public async Task Dump_and_restore_carry_encrypted_secrets_and_hashed_tokens()
    {
        using var protector = new AesGcmSecretProtector(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var source = new InMemoryCredentialStore();
        using var credentials = new SftpCredentials(source, protector);
        var owner = SftpCredentialOwner.User("alice");
        await credentials.SaveTotpAsync(owner, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", [SftpTotpProtocols.Ssh]);
        var (token, secret) = await credentials.CreateTokenAsync(SftpCredentialOwner.Admin("root"), "ci", null, SftpAccessTokenScopes.Api);

        using var dump = new MemoryStream();
        await SftpKit.Admin.SftpAccountBackup.DumpAsync(new InMemoryUserStore(), dump, credentials: source);
        string json = System.Text.Encoding.UTF8.GetString(dump.ToArray());
        Assert.DoesNotContain("GEZDGNBVGY3TQOJQ", json, StringComparison.Ordinal);
        Assert.Contains("$aes$", json, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        Assert.Contains(token.Hash, json, StringComparison.Ordinal);

        dump.Position = 0;
        var target = new InMemoryCredentialStore();
        await SftpKit.Admin.SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), dump, SftpRestoreMode.AddOnly, credentials: target);
        using var restored = new SftpCredentials(target, protector);
        Assert.True(await restored.IsRequiredAsync(owner, SftpTotpProtocols.Ssh));
        Assert.NotNull(await restored.ValidateTokenAsync(SftpCredentialOwner.Admin("root"), secret, SftpAccessTokenScopes.Api));
    }
}
