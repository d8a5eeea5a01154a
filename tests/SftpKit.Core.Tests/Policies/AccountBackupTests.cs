using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.Tests.Policies;

public sealed class AccountBackupTests
{
    private static SftpAccount Rich(string name) => new()
    {
        UserName = name,
        PasswordHash = SftpPasswordHasher.Hash("pw-" + name),
        ExpiresAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
        PublicKeys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl k"],
        HomeDirectory = "/srv/" + name,
        VirtualFolders = [new SftpVirtualFolder { Name = "f-" + name, VirtualPath = "/f", FileSystem = new SftpFileSystemConfig { Root = "/data/f" }, QuotaFiles = 9 }],
        Permissions = { ["/"] = ["list", "download"], ["/in"] = ["*"] },
        FilePatterns = [new SftpPathFilter { Path = "/", DeniedPatterns = ["*.exe"] }],
        MaxSessions = 3,
        QuotaSize = 1000,
        UploadBandwidth = 64,
        AllowedIPs = ["10.0.0.0/8"],
        DeniedLoginMethods = ["password"],
        RequiredLoginSteps = ["publickey", "password"],
        Metadata = { ["team"] = "blue" },
    };

    [Fact]
    public async Task A_dump_restores_every_field_and_the_quota_usage()
    {
        var source = new InMemoryUserStore([Rich("ann"), Rich("bob")]);
        await source.SetAsync(SftpQuotaOwner.User("ann"), new SftpQuotaUsage(500, 5), CancellationToken.None);
        await source.SetAsync(SftpQuotaOwner.Folder("f-ann"), new SftpQuotaUsage(7, 1), CancellationToken.None);
        using var dump = new MemoryStream();
        await SftpAccountBackup.DumpAsync(source, dump, source);
        Assert.DoesNotContain("pw-ann", System.Text.Encoding.UTF8.GetString(dump.ToArray()), StringComparison.Ordinal);

        dump.Position = 0;
        var target = new InMemoryUserStore();
        var result = await SftpAccountBackup.RestoreAsync(target, dump, SftpRestoreMode.AddOnly, target);
        Assert.Equal(new SftpRestoreResult(2, 0, 0), result);
        var ann = (await target.FindAsync("ann", CancellationToken.None))!;
        var expected = Rich("ann");
        Assert.Equal(expected.ExpiresAt, ann.ExpiresAt);
        Assert.Equal(expected.PublicKeys, ann.PublicKeys);
        Assert.Equal("/data/f", ann.VirtualFolders[0].FileSystem.Root);
        Assert.Equal(9, ann.VirtualFolders[0].QuotaFiles);
        Assert.Equal(["list", "download"], ann.Permissions["/"]);
        Assert.Equal(["*.exe"], ann.FilePatterns[0].DeniedPatterns);
        Assert.Equal((3, 1000L, 64L), (ann.MaxSessions, ann.QuotaSize, ann.UploadBandwidth));
        Assert.Equal(["publickey", "password"], ann.RequiredLoginSteps);
        Assert.Equal("blue", ann.Metadata["team"]);
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(ann.PasswordHash!, "pw-ann"));
        Assert.Equal(new SftpQuotaUsage(500, 5), await target.GetAsync(SftpQuotaOwner.User("ann"), CancellationToken.None));
        Assert.Equal(new SftpQuotaUsage(7, 1), await target.GetAsync(SftpQuotaOwner.Folder("f-ann"), CancellationToken.None));
    }

    [Fact]
    public async Task Add_only_keeps_existing_accounts_and_replace_overwrites_them()
    {
        var source = new InMemoryUserStore([Rich("ann")]);
        using var dump = new MemoryStream();
        await SftpAccountBackup.DumpAsync(source, dump);
        var target = new InMemoryUserStore([new SftpAccount { UserName = "ann", MaxSessions = 1 }]);

        dump.Position = 0;
        Assert.Equal(new SftpRestoreResult(0, 0, 1), await SftpAccountBackup.RestoreAsync(target, dump, SftpRestoreMode.AddOnly));
        Assert.Equal(1, (await target.FindAsync("ann", CancellationToken.None))!.MaxSessions);
        dump.Position = 0;
        Assert.Equal(new SftpRestoreResult(0, 1, 0), await SftpAccountBackup.RestoreAsync(target, dump, SftpRestoreMode.Replace));
        Assert.Equal(3, (await target.FindAsync("ann", CancellationToken.None))!.MaxSessions);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\":99,\"users\":[]}")]
    [InlineData("{\"version\":1,\"users\":[{\"userName\":\"a\"},{\"userName\":\"a\"}]}")]
    [InlineData("{\"version\":1,\"users\":[{\"userName\":\"\"}]}")]
    [InlineData("{}")]
    public async Task Bad_documents_are_refused_and_change_nothing(string json)
    {
        var target = new InMemoryUserStore();
        using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        await Assert.ThrowsAsync<InvalidDataException>(() => SftpAccountBackup.RestoreAsync(target, input, SftpRestoreMode.Replace));
        Assert.Empty(target.Snapshot());
    }
}
