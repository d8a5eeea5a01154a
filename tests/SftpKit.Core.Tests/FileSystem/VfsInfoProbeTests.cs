using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.Policies;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// The exception-free existence probe must answer exactly as GetInfoAsync does, with null in place of NotFound,
/// on a real directory tree: files, directories, missing names, missing parents, names under a file, dangling and
/// escaping links; through a mount; and under the account policy layer, whose checks still apply.
/// </summary>
public sealed class VfsInfoProbeTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-probe-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFileSystem _local;

    public VfsInfoProbeTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "dir"));
        File.WriteAllText(Path.Combine(_root, "a.txt"), "a");
        File.WriteAllText(Path.Combine(_root, "dir", "b.txt"), "bb");
        File.CreateSymbolicLink(Path.Combine(_root, "dangling"), "missing-target");
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), "/etc/hostname");
        File.CreateSymbolicLink(Path.Combine(_root, "to-a"), "a.txt");
        _local = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root });
    }

    public static TheoryData<string, bool> Paths()
    {
        var data = new TheoryData<string, bool>();
        string[] paths = ["/", "/a.txt", "/dir", "/dir/b.txt", "/missing", "/dir/missing", "/no/such/parent", "/a.txt/under-a-file",
            "/dangling", "/escape", "/to-a"];
        foreach (string path in paths)
        {
            data.Add(path, true);
            data.Add(path, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Local_probe_answers_as_GetInfo_with_null_for_not_found(string path, bool followLinks)
    {
        var expected = await OutcomeAsync(async () => await _local.GetInfoAsync(path, followLinks, Ct));
        var probed = await OutcomeAsync(() => ((IVfsInfoProbe)_local).TryGetInfoAsync(path, followLinks, Ct));
        Assert.Equal(expected, probed);
    }

    [Theory]
    [InlineData("/missing")]
    [InlineData("/dir/missing")]
    [InlineData("/dangling")]
    public async Task Local_probe_returns_null_without_throwing_for_a_name_that_is_not_there(string path)
    {
        // followLinks: a dangling link resolves to nothing; without following, the link itself is there.
        Assert.Null(await ((IVfsInfoProbe)_local).TryGetInfoAsync(path, followLinks: true, Ct));
        Assert.Equal(path == "/dangling", await ((IVfsInfoProbe)_local).TryGetInfoAsync(path, followLinks: false, Ct) is not null);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Mounted_probe_answers_as_GetInfo_with_null_for_not_found(string path, bool followLinks)
    {
        var mounted = new MountedFileSystem(new InMemoryFileSystem(), new VfsMount("/srv/box", _local));
        string outer = path == "/" ? "/srv/box" : "/srv/box" + path;
        foreach (string p in new[] { outer, "/srv", "/" })
        {
            var expected = await OutcomeAsync(async () => await mounted.GetInfoAsync(p, followLinks, Ct));
            var probed = await OutcomeAsync(() => VfsInfoProbe.TryGetInfoAsync(mounted, p, followLinks, Ct));
            Assert.Equal(expected, probed);
        }
    }

    [Fact]
    public async Task A_file_system_without_the_probe_gets_NotFound_turned_into_null()
    {
        var memory = new InMemoryFileSystem();
        memory.AddFile("/x", "x"u8);
        Assert.Null(await VfsInfoProbe.TryGetInfoAsync(memory, "/y", followLinks: true, Ct));
        Assert.Equal(1, (await VfsInfoProbe.TryGetInfoAsync(memory, "/x", followLinks: true, Ct))!.Size);
    }

    [Fact]
    public async Task Policy_probe_keeps_the_list_permission_and_name_filter_checks()
    {
        var account = new SftpAccount
        {
            UserName = "probe",
            Permissions = new Dictionary<string, IList<string>> { ["/"] = ["*"], ["/dir"] = ["upload"] },
            FilePatterns = [new SftpPathFilter { Path = "/", DeniedPatterns = ["*.txt"] }],
        };
        var options = new SftpPolicyOptions();
        var policy = new PolicyFileSystem(_local, new SftpAccountPolicy(account, options, new SftpBandwidthLimiter(options)),
            new SftpQuotaLedger(new InMemoryUserStore()));

        // No list permission in /dir: denied whether or not the name exists, as GetInfoAsync is.
        var denied = await Assert.ThrowsAsync<VfsException>(() => policy.TryGetInfoAsync("/dir/missing", true, Ct).AsTask());
        Assert.Equal(VfsError.PermissionDenied, denied.Error);
        // A file the name filter hides is denied; a missing one is simply absent.
        var hidden = await Assert.ThrowsAsync<VfsException>(() => policy.TryGetInfoAsync("/a.txt", true, Ct).AsTask());
        Assert.Equal(VfsError.PermissionDenied, hidden.Error);
        Assert.Null(await policy.TryGetInfoAsync("/new.txt", true, Ct));
        Assert.Equal(VfsFileType.Directory, (await policy.TryGetInfoAsync("/dir", true, Ct))!.Type);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>"ok" with the attributes (null for NotFound), or the error a lookup failed with.</summary>
    private static async Task<(string Outcome, VfsFileInfo? Info)> OutcomeAsync(Func<ValueTask<VfsFileInfo?>> lookup)
    {
        try
        {
            return ("ok", await lookup());
        }
        catch (VfsException ex) when (ex.Error == VfsError.NotFound)
        {
            return ("ok", null);
        }
        catch (VfsException ex)
        {
            return (ex.Error.ToString(), null);
        }
    }
}
