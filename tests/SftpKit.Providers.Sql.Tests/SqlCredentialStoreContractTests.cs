using SftpKit.Accounts;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// Second factors and access tokens (<see cref="SqlCredentialStore"/>, schema version 7) on every engine, seen by a
/// second store instance on the same database. Engines without a server are a counted skip (a failure under CI).
/// </summary>
public abstract class SqlCredentialStoreContractTests : IAsyncLifetime
{
    private SqlTestDatabase? _database;

    protected abstract SqlProvider Provider { get; }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private const string Nasty = "Robert'); DROP TABLE access_tokens;-- \\ % _ ` \" 😀";

    [Fact]
    public async Task Second_factors_and_tokens_round_trip_between_instances()
    {
        _database = await SqlTestDatabase.CreateAsync(Provider);
        var one = new SqlCredentialStore(_database.Options());
        var two = new SqlCredentialStore(_database.Options());
        var user = SftpCredentialOwner.User(Nasty);
        var admin = SftpCredentialOwner.Admin(Nasty);
        await one.SetTotpAsync(new SftpTotpConfig
        {
            OwnerKind = SftpCredentialOwnerKind.User, OwnerName = Nasty, Secret = "$aes$protected", Protocols = ["SSH", "HTTP"],
            RecoveryCodes = [new SftpRecoveryCode { Hash = new string('a', 64) }, new SftpRecoveryCode { Hash = new string('b', 64), Used = true }],
        }, default);
        var read = (await two.GetTotpAsync(user, default))!;
        Assert.Equal(("$aes$protected", true, 2), (read.Secret, read.Enabled, read.RecoveryCodes.Count));
        Assert.Equal(["SSH", "HTTP"], read.Protocols);
        Assert.True(read.RecoveryCodes[1].Used);
        Assert.Null(await two.GetTotpAsync(admin, default)); // the admin of the same name is another owner

        read.RecoveryCodes[0].Used = true;
        read.Protocols = ["SSH"];
        await two.SetTotpAsync(read, default);
        var updated = (await one.GetTotpAsync(user, default))!;
        Assert.True(updated.RecoveryCodes.All(c => c.Used));
        Assert.Equal(["SSH"], updated.Protocols);
        Assert.Single(await one.ListTotpAsync(default).ToListAsync());

        var created = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        await one.CreateTokenAsync(new SftpAccessToken
        {
            Id = "0123456789abcdef", OwnerKind = SftpCredentialOwnerKind.Admin, OwnerName = Nasty, Name = Nasty, Hash = new string('c', 64),
            Scopes = SftpAccessTokenScopes.Web | SftpAccessTokenScopes.Api, CreatedAt = created, ExpiresAt = created.AddDays(30),
        }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await two.CreateTokenAsync(new SftpAccessToken
        {
            Id = "0123456789abcdef", OwnerName = "x", Hash = "d",
        }, default));
        var token = (await two.FindTokenAsync("0123456789abcdef", default))!;
        Assert.Equal((SftpCredentialOwnerKind.Admin, Nasty, Nasty, SftpAccessTokenScopes.Web | SftpAccessTokenScopes.Api, created, created.AddDays(30), (DateTimeOffset?)null),
            (token.OwnerKind, token.OwnerName, token.Name, token.Scopes, token.CreatedAt, token.ExpiresAt, token.LastUseAt));
        Assert.Single(await two.ListTokensAsync(admin, default).ToListAsync());
        Assert.Empty(await two.ListTokensAsync(user, default).ToListAsync());
        await two.TouchTokenAsync(token.Id, created.AddHours(1), default);
        Assert.Equal(created.AddHours(1), (await one.FindTokenAsync(token.Id, default))!.LastUseAt);

        Assert.True(await two.DeleteTokenAsync(token.Id, default));
        Assert.False(await one.DeleteTokenAsync(token.Id, default));
        Assert.True(await one.DeleteTotpAsync(user, default));
        Assert.Null(await two.GetTotpAsync(user, default));
    }
}

public sealed class SqliteCredentialStoreTests : SqlCredentialStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.Sqlite;
}

public sealed class PostgreSqlCredentialStoreTests : SqlCredentialStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.PostgreSql;
}

public sealed class MySqlCredentialStoreTests : SqlCredentialStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.MySql;
}
