using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.Policies;
using SftpKit.Tests.Events;

namespace SftpKit.Tests.Accounts;

/// <summary>Data retention over real files on disk (LocalFileSystem), with old modification times set on them.</summary>
public sealed class RetentionCheckTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-retention-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Write(string relative, int bytes, TimeSpan age)
    {
        string path = Path.Combine(_root, relative.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    private static ServiceProvider Services(SftpAccount account, Uri? hook)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddSftpServer().AddInMemoryUserStore(account);
        if (hook is not null)
        {
            builder.AddHttpEventNotification(o =>
            {
                o.Url = hook;
                o.Kinds.Add(SftpEventKind.RetentionCheck);
            });
        }
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Deletes_files_older_than_the_deepest_policy_updates_quota_and_notifies()
    {
        var old = TimeSpan.FromHours(100);
        var home = Path.Combine(_root, "home");
        string expired1 = Write("home/folder1/old.log", 1000, old);
        string fresh = Write("home/folder1/new.log", 10, TimeSpan.FromHours(1));
        string exempt = Write("home/folder1/sub/old.log", 20, old);
        string expiredDeep = Write("home/folder1/deep/er/old.bin", 300, old);
        string unmanaged = Write("home/other/old.txt", 40, old);
        string sharedOld = Write("shared/report.csv", 5, TimeSpan.FromHours(3));
        var account = new SftpAccount
        {
            UserName = "ret",
            HomeDirectory = home,
            QuotaSize = 1_000_000,
            VirtualFolders = [new SftpVirtualFolder { Name = "shared", VirtualPath = "/shared", FileSystem = new SftpFileSystemConfig { Root = Path.Combine(_root, "shared") }, QuotaFiles = 10 }],
        };
        await using var hook = new LoopbackHttpServer(_ => 204);
        await using var provider = Services(account, hook.Url);
        var quotas = provider.GetRequiredService<ISftpQuotaStore>();
        await quotas.SetAsync(SftpQuotaOwner.User("ret"), new SftpQuotaUsage(5000, 50), CancellationToken.None);
        await quotas.SetAsync(SftpQuotaOwner.Folder("shared"), new SftpQuotaUsage(5, 1), CancellationToken.None);

        var check = provider.GetRequiredService<SftpRetentionCheck>();
        var result = await check.RunAsync("ret",
            [new SftpRetentionPolicy { Path = "/folder1", Retention = 72 }, new SftpRetentionPolicy { Path = "/folder1/sub", Retention = 0 },
             new SftpRetentionPolicy { Path = "/shared/", Retention = 2 }, new SftpRetentionPolicy { Path = "/missing", Retention = 1 }],
            CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(["/folder1/deep/er/old.bin", "/folder1/old.log", "/shared/report.csv"], result.Deleted.Select(d => d.Path).Order(StringComparer.Ordinal));
        Assert.Equal((3L, 1305L, 0, false), (result.DeletedFiles, result.DeletedBytes, result.Errors, result.DeletedListTruncated));
        Assert.False(File.Exists(expired1));
        Assert.False(File.Exists(expiredDeep));
        Assert.False(File.Exists(sharedOld));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(exempt));
        Assert.True(File.Exists(unmanaged));
        Assert.True(Directory.Exists(Path.GetDirectoryName(expiredDeep)), "directories are kept");
        Assert.Equal(new SftpQuotaUsage(3700, 48), await quotas.GetAsync(SftpQuotaOwner.User("ret"), CancellationToken.None));
        Assert.Equal(new SftpQuotaUsage(0, 0), await quotas.GetAsync(SftpQuotaOwner.Folder("shared"), CancellationToken.None));

        var notification = await hook.NextAsync();
        Assert.Equal("retention_check", notification.Field("action"));
        Assert.Equal("ret", notification.Field("username"));
        Assert.Equal("ok", notification.Field("status"));
        Assert.Equal("1305", notification.Field("size"));
        Assert.Equal("3", notification.Body.GetProperty("properties").GetProperty("deleted_files").GetString());
    }

    [Fact]
    public async Task A_directory_with_more_expired_files_than_one_batch_is_emptied_and_the_report_is_capped()
    {
        const int count = 1100;
        for (int i = 0; i < count; i++)
        {
            Write($"home/in/f{i:D4}", 1, TimeSpan.FromDays(10));
        }
        string fresh = Write("home/in/today", 1, TimeSpan.Zero);
        var account = new SftpAccount { UserName = "many", HomeDirectory = Path.Combine(_root, "home") };
        await using var provider = Services(account, null);

        var result = await provider.GetRequiredService<SftpRetentionCheck>()
            .RunAsync(account, [new SftpRetentionPolicy { Path = "/", Retention = 24 }], CancellationToken.None);

        Assert.Equal(count, result.DeletedFiles);
        Assert.Equal(SftpRetentionCheck.MaxReportedDeletions, result.Deleted.Count);
        Assert.True(result.DeletedListTruncated);
        Assert.Equal([Path.GetFileName(fresh)], Directory.GetFiles(Path.Combine(_root, "home/in")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("relative", 1)]
    [InlineData("/a/../etc", 1)]
    [InlineData("/a", -1)]
    [InlineData("/a", 876_001)]
    public void Invalid_policies_are_refused(string path, int hours)
    {
        Assert.NotEmpty(SftpRetentionCheck.Validate([new SftpRetentionPolicy { Path = path, Retention = hours }]));
        Assert.Empty(SftpRetentionCheck.Validate([new SftpRetentionPolicy { Path = "/a/b", Retention = 0 }]));
        Assert.NotEmpty(SftpRetentionCheck.Validate([new SftpRetentionPolicy { Path = "/a" }, new SftpRetentionPolicy { Path = "/a/" }]));
    }
}
