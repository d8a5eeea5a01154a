using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.Accounts;
using SftpKit.Hosting;
using SftpKit.Ssh.Keys;

namespace SftpKit.Tests.Hosting;

/// <summary>The built-in authenticator writes an account's last login at most once per interval, never blocking a login.</summary>
public sealed class AccountAuthenticatorLastLoginTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class CountingStore(InMemoryUserStore inner) : ISftpUserStore
    {
        public int LoginWrites { get; private set; }

        public ValueTask<SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken) => inner.FindAsync(userName, cancellationToken);

        public IAsyncEnumerable<SftpAccount> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public ValueTask CreateAsync(SftpAccount account, CancellationToken cancellationToken) => inner.CreateAsync(account, cancellationToken);

        public ValueTask<bool> UpdateAsync(SftpAccount account, CancellationToken cancellationToken) => inner.UpdateAsync(account, cancellationToken);

        public ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken) => inner.DeleteAsync(userName, cancellationToken);

        public ValueTask UpdatePasswordHashAsync(string userName, string expectedOldHash, string newHash, CancellationToken cancellationToken) =>
            inner.UpdatePasswordHashAsync(userName, expectedOldHash, newHash, cancellationToken);

        public ValueTask RecordLoginAsync(string userName, DateTimeOffset time, CancellationToken cancellationToken)
        {
            LoginWrites++;
            return inner.RecordLoginAsync(userName, time, cancellationToken);
        }
    }

    [Fact]
    public async Task Writes_LastLogin_AtMostOncePerInterval()
    {
        using var key = Ed25519HostKey.Generate();
        string line = "ssh-ed25519 " + Convert.ToBase64String(key.PublicKeyBlob);
        Assert.True(SshPublicKey.TryParseAuthorizedKey(line, out var publicKey));
        var inner = new InMemoryUserStore([new SftpAccount { UserName = "ann", HomeDirectory = "/ann", PublicKeys = [line] }]);
        var store = new CountingStore(inner);
        var t0 = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var time = new ManualTime(t0);
        var authenticator = new AccountAuthenticator(store, NullLogger<AccountAuthenticator>.Instance, time);
        var context = new SshAuthContext("ann", null, "SSH-2.0-test", "c1", "publickey", []);

        async Task<DateTimeOffset?> LoginAsync(DateTimeOffset at)
        {
            time.Now = at;
            var result = await authenticator.AuthenticatePublicKeyAsync(context, publicKey!, default);
            Assert.True(result.Succeeded);
            return (await inner.FindAsync("ann", default))!.LastLogin;
        }

        Assert.Equal(t0, await LoginAsync(t0));
        Assert.Equal(t0, await LoginAsync(t0 + TimeSpan.FromSeconds(59)));
        Assert.Equal(1, store.LoginWrites);
        var later = t0 + AccountAuthenticator.LastLoginWriteInterval;
        Assert.Equal(later, await LoginAsync(later));
        // A stored time in the future (clock stepped back) is corrected at once.
        var earlier = t0 - TimeSpan.FromHours(1);
        Assert.Equal(earlier, await LoginAsync(earlier));
        Assert.Equal(3, store.LoginWrites);
    }
}
