using SftpKit.Accounts;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// One contract for every <see cref="ISftpGroupStore"/> (in-memory and JSON file here; the SQL store on three engines
/// in SftpKit.Providers.Sql.Tests, which compiles this file too): every setting round-trips, names are unique,
/// case-sensitive and checked, the list is in ordinal name order, and a second store over the same data sees changes.
/// </summary>
public abstract class GroupStoreContractTests
{
    /// <summary>A store; a second call gives a store over the same data where the store persists (else the same one).</summary>
    protected abstract Task<ISftpGroupStore> OpenAsync();

    internal const string Nasty = "Robert'); DROP TABLE user_groups;-- % _ ` \" 😀";

    internal static SftpGroup Sample(string name = "staff") => new()
    {
        Name = name,
        Description = Nasty,
        HomeDirectory = "/srv/sftp/%role%/%username%",
        FileSystem = new SftpFileSystemConfig { Provider = "s3", Root = "users/%username%/", Settings = { ["bucket"] = "b", ["secretAccessKey"] = "s3cr3t" } },
        VirtualFolders =
        [
            new SftpVirtualFolder { Name = "team", VirtualPath = "/team", FileSystem = new SftpFileSystemConfig { Root = "/srv/team" }, QuotaSize = 1000, QuotaFiles = 10 },
        ],
        Permissions = new Dictionary<string, IList<string>>(StringComparer.Ordinal) { ["/"] = ["list", "download"], ["/in"] = ["*"] },
        FilePatterns = [new SftpPathFilter { Path = "/in", AllowedPatterns = ["*.csv"], DeniedPatterns = ["*.exe"] }],
        MaxSessions = 3,
        QuotaSize = 5_000_000_000,
        QuotaFiles = 1000,
        UploadBandwidth = 512,
        DownloadBandwidth = 1024,
        MaxUploadFileSize = 1 << 20,
        AllowedIPs = ["10.0.0.0/8"],
        DeniedIPs = ["10.9.9.9/32"],
        DeniedLoginMethods = ["password"],
    };

    [Fact]
    public async Task Groups_round_trip_with_every_setting()
    {
        var store = await OpenAsync();
        await store.CreateAsync(Sample(), default);
        var read = (await (await OpenAsync()).FindAsync("staff", default))!;
        var want = Sample();
        Assert.Equal((want.Name, want.Description, want.HomeDirectory), (read.Name, read.Description, read.HomeDirectory));
        Assert.Equal(("s3", "users/%username%/", "b", "s3cr3t"),
            (read.FileSystem!.Provider, read.FileSystem.Root, read.FileSystem.Settings["bucket"], read.FileSystem.Settings["secretAccessKey"]));
        var folder = Assert.Single(read.VirtualFolders);
        Assert.Equal(("team", "/team", "/srv/team", 1000L, 10L), (folder.Name, folder.VirtualPath, folder.FileSystem.Root, folder.QuotaSize, folder.QuotaFiles));
        Assert.Equal(["list", "download"], read.Permissions["/"]);
        Assert.Equal(["*"], read.Permissions["/in"]);
        var filter = Assert.Single(read.FilePatterns);
        Assert.Equal(("/in", "*.csv", "*.exe"), (filter.Path, Assert.Single(filter.AllowedPatterns), Assert.Single(filter.DeniedPatterns)));
        Assert.Equal((3, 5_000_000_000L, 1000L, 512L, 1024L, 1L << 20),
            (read.MaxSessions, read.QuotaSize, read.QuotaFiles, read.UploadBandwidth, read.DownloadBandwidth, read.MaxUploadFileSize));
        Assert.Equal(["10.0.0.0/8"], read.AllowedIPs);
        Assert.Equal(["10.9.9.9/32"], read.DeniedIPs);
        Assert.Equal(["password"], read.DeniedLoginMethods);
    }

    [Fact]
    public async Task Names_are_unique_case_sensitive_checked_and_listed_in_order()
    {
        var store = await OpenAsync();
        await store.CreateAsync(Sample("staff"), default);
        await store.CreateAsync(new SftpGroup { Name = Nasty }, default);
        await store.CreateAsync(new SftpGroup { Name = "Staff" }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateAsync(new SftpGroup { Name = "staff" }, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.CreateAsync(new SftpGroup { Name = "a/b" }, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.CreateAsync(new SftpGroup { Name = "" }, default));

        var other = await OpenAsync();
        Assert.Null(await other.FindAsync("STAFF", default));
        Assert.Equal(Nasty, (await other.FindAsync(Nasty, default))!.Name);
        var names = new List<string>();
        await foreach (var group in other.ListAsync(default))
        {
            names.Add(group.Name);
        }
        Assert.Equal(new[] { "Staff", "staff", Nasty }.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Updates_replace_the_group_and_deletes_remove_it()
    {
        var store = await OpenAsync();
        await store.CreateAsync(Sample(), default);
        var changed = Sample();
        changed.QuotaSize = 0;
        changed.FileSystem = null;
        changed.VirtualFolders.Clear();
        changed.Permissions = new Dictionary<string, IList<string>>(StringComparer.Ordinal) { ["/"] = ["*"] };
        Assert.True(await store.UpdateAsync(changed, default));
        Assert.False(await store.UpdateAsync(new SftpGroup { Name = "ghost" }, default));

        var other = await OpenAsync();
        var read = (await other.FindAsync("staff", default))!;
        Assert.Equal((0L, null, 0), (read.QuotaSize, read.FileSystem, read.VirtualFolders.Count));
        Assert.Equal(["*"], read.Permissions["/"]);
        Assert.True(await other.DeleteAsync("staff", default));
        Assert.False(await other.DeleteAsync("staff", default));
        Assert.Null(await (await OpenAsync()).FindAsync("staff", default));
    }
}
