using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// Group settings seen from the stock OpenSSH <c>sftp</c> client: an account with no home directory, permission,
/// quota or folder of its own logs in, lands in its primary group's home template, sees the folder its secondary group
/// mounts, is refused an upload by the group's permission and then by the group's quota; a change to the group
/// applies at the next login; a login naming a group that does not exist is refused.
/// </summary>
public sealed class GroupsOpenSshTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sftpkit-groups-openssh-").FullName;
    private readonly InMemoryGroupStore _groups = new();
    private IHost? _host;

    private string ClientKey => Path.Combine(_root, "client_ed25519");

    private string KnownHostsFile => Path.Combine(_root, "known_hosts");

    private string Local(string name) => Path.Combine(_root, "local", name);

    private async Task<int> StartAsync(params SftpAccount[] accounts)
    {
        Requires.Tool("sftp", "install Debian's openssh-client package");
        Requires.Tool("ssh-keygen", "install Debian's openssh-client package");
        Directory.CreateDirectory(Path.Combine(_root, "local"));
        await File.WriteAllTextAsync(Local("a.txt"), "first");
        await File.WriteAllTextAsync(Local("b.txt"), "second");
        await TestServer.KeyGenAsync(ClientKey, "ed25519", "", pem: false);
        string publicKey = (await File.ReadAllTextAsync(ClientKey + ".pub")).Trim();
        foreach (var account in accounts)
        {
            account.PublicKeys.Add(publicKey);
        }
        string hostKey = Path.Combine(_root, "host_ed25519");
        await TestServer.KeyGenAsync(hostKey, "ed25519", "", pem: false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            })
            .AddSftp()
            .AddInMemoryUserStore(accounts)
            .AddGroupStore(_ => _groups);
        _host = builder.Build();
        await _host.StartAsync();
        int port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(KnownHostsFile,
            $"[127.0.0.1]:{port.ToString(CultureInfo.InvariantCulture)} {(await File.ReadAllTextAsync(hostKey + ".pub")).Trim()}\n");
        return port;
    }

    private async Task<ProcessRunner.Result> SftpAsync(int port, string user, params string[] commands)
    {
        string batch = Path.Combine(_root, "batch-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllLinesAsync(batch, commands);
        return await ProcessRunner.RunAsync("sftp", ["-b", batch, .. OpenSshClientOptions.Build(KnownHostsFile, ClientKey, port), $"{user}@127.0.0.1"]);
    }

    [Fact]
    public async Task Home_folder_permission_and_quota_come_from_the_groups_and_a_group_change_applies_at_the_next_login()
    {
        string homes = Path.Combine(_root, "homes");
        string team = Path.Combine(_root, "team");
        Directory.CreateDirectory(team);
        await File.WriteAllTextAsync(Path.Combine(team, "notes.txt"), "shared");
        await _groups.CreateAsync(new SftpGroup
        {
            Name = "staff",
            HomeDirectory = Path.Combine(homes, "%username%"),
            Permissions = { ["/"] = ["list", "download"] },
            QuotaFiles = 1,
        }, default);
        await _groups.CreateAsync(new SftpGroup
        {
            Name = "team",
            VirtualFolders = [new SftpVirtualFolder { Name = "team", VirtualPath = "/team", FileSystem = new SftpFileSystemConfig { Root = team } }],
            Permissions = { ["/team"] = ["*"] },
            // A secondary group never gives the home directory or the limits.
            HomeDirectory = Path.Combine(_root, "never"),
            QuotaFiles = 100,
        }, default);
        var dave = new SftpAccount
        {
            UserName = "dave",
            Groups = [new SftpGroupMembership { Name = "staff" }, new SftpGroupMembership { Name = "team", Type = SftpGroupType.Secondary }],
        };
        int port = await StartAsync(dave);

        // The group folder is there and readable; "/" is read-only by the primary group's permission.
        var listing = await SftpAsync(port, "dave", "ls /", "get /team/notes.txt " + Local("notes.txt"));
        Assert.True(listing.ExitCode == 0, listing.StandardError);
        Assert.Contains("team", listing.Text, StringComparison.Ordinal);
        Assert.Equal("shared", await File.ReadAllTextAsync(Local("notes.txt")));
        var refused = await SftpAsync(port, "dave", $"put {Local("a.txt")} /a.txt");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("ermission denied", refused.StandardError + refused.Text, StringComparison.Ordinal);

        // The secondary group allows uploads into its folder, up to the primary group's quota of one file.
        var first = await SftpAsync(port, "dave", $"put {Local("a.txt")} /team/a.txt");
        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Equal("first", await File.ReadAllTextAsync(Path.Combine(team, "a.txt")));
        var overQuota = await SftpAsync(port, "dave", $"put {Local("b.txt")} /team/b.txt");
        Assert.NotEqual(0, overQuota.ExitCode);
        Assert.False(File.Exists(Path.Combine(team, "b.txt")));
        Assert.True(Directory.Exists(Path.Combine(homes, "dave")), "the home directory comes from the primary group's template");
        Assert.False(Directory.Exists(Path.Combine(_root, "never")));

        // The group changes: the next login may write at "/" and has room for more files.
        var staff = (await _groups.FindAsync("staff", default))!;
        staff.Permissions["/"] = ["*"];
        staff.QuotaFiles = 10;
        Assert.True(await _groups.UpdateAsync(staff, default));
        var allowed = await SftpAsync(port, "dave", $"put {Local("b.txt")} /b.txt");
        Assert.True(allowed.ExitCode == 0, allowed.StandardError);
        Assert.Equal("second", await File.ReadAllTextAsync(Path.Combine(homes, "dave", "b.txt")));

        // A group that no longer exists refuses the login rather than dropping what it carried.
        Assert.True(await _groups.DeleteAsync("team", default));
        var gone = await SftpAsync(port, "dave", "ls /");
        Assert.NotEqual(0, gone.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        Directory.Delete(_root, recursive: true);
    }
}
