using SftpKit.Accounts;

namespace SftpKit.Tests.Accounts;

/// <summary>The effective account's precedence: the account over its primary group over its secondary groups.</summary>
public sealed class EffectiveAccountTests
{
    private static SftpAccount Member(params (string Name, SftpGroupType Type)[] groups) => new()
    {
        UserName = "alice",
        Groups = groups.Select(g => new SftpGroupMembership { Name = g.Name, Type = g.Type }).ToList(),
    };

    private static SftpGroup Primary() => new()
    {
        Name = "p",
        HomeDirectory = "/srv/%role%/%username%",
        FileSystem = new SftpFileSystemConfig { Provider = "s3", Root = "home/%username%/", Settings = { ["bucket"] = "b-%username%", ["secretKey"] = "%username%" } },
        VirtualFolders = [new SftpVirtualFolder { Name = "pf", VirtualPath = "/shared/%username%", FileSystem = new SftpFileSystemConfig { Root = "/data/%username%" } }],
        Permissions = new Dictionary<string, IList<string>>(StringComparer.Ordinal) { ["/"] = ["list", "download"], ["/in"] = ["*"] },
        FilePatterns = [new SftpPathFilter { Path = "/", DeniedPatterns = ["*.exe"] }],
        MaxSessions = 2,
        QuotaSize = 100,
        QuotaFiles = 10,
        UploadBandwidth = 11,
        DownloadBandwidth = 12,
        MaxUploadFileSize = 13,
        AllowedIPs = ["10.0.0.0/8"],
        DeniedIPs = ["10.1.1.1"],
        DeniedLoginMethods = ["password"],
    };

    private static SftpGroup Secondary(string name, string path) => new()
    {
        Name = name,
        HomeDirectory = "/never",
        FileSystem = new SftpFileSystemConfig { Provider = "memory", Root = "never" },
        VirtualFolders = [new SftpVirtualFolder { Name = name, VirtualPath = path, FileSystem = new SftpFileSystemConfig { Root = "/data/" + name } }],
        Permissions = new Dictionary<string, IList<string>>(StringComparer.Ordinal) { ["/"] = ["*"], [path] = ["list"] },
        FilePatterns = [new SftpPathFilter { Path = "/", AllowedPatterns = ["*.never"] }, new SftpPathFilter { Path = path, AllowedPatterns = ["*.txt"] }],
        MaxSessions = 99,
        QuotaSize = 99,
        DeniedLoginMethods = ["publickey", "password"],
    };

    [Fact]
    public void Empty_account_fields_take_the_primary_groups_and_placeholders_expand()
    {
        var effective = SftpEffectiveAccount.Compute(Member(("p", SftpGroupType.Primary)), [Primary()], role: "sales");
        Assert.Equal("/srv/sales/alice", effective.HomeDirectory);
        Assert.Equal(("s3", "home/alice/", "b-alice", "%username%"),
            (effective.FileSystem!.Provider, effective.FileSystem.Root, effective.FileSystem.Settings["bucket"], effective.FileSystem.Settings["secretKey"]));
        var folder = Assert.Single(effective.VirtualFolders);
        Assert.Equal(("/shared/alice", "/data/alice"), (folder.VirtualPath, folder.FileSystem.Root));
        Assert.Equal(["list", "download"], effective.Permissions["/"]);
        Assert.Equal((2, 100L, 10L, 11L, 12L, 13L),
            (effective.MaxSessions, effective.QuotaSize, effective.QuotaFiles, effective.UploadBandwidth, effective.DownloadBandwidth, effective.MaxUploadFileSize));
        Assert.Equal(["10.0.0.0/8"], effective.AllowedIPs);
        Assert.Equal(["10.1.1.1"], effective.DeniedIPs);
        Assert.Equal(["password"], effective.DeniedLoginMethods);
        Assert.Equal(["*.exe"], Assert.Single(effective.FilePatterns).DeniedPatterns);
    }

    [Fact]
    public void Set_account_values_win_except_home_and_storage_which_the_primary_group_replaces()
    {
        var account = Member(("p", SftpGroupType.Primary));
        account.HomeDirectory = "/home/alice";
        account.FileSystem = new SftpFileSystemConfig { Provider = "memory", Root = "own" };
        account.QuotaSize = 5;
        account.MaxSessions = 1;
        account.Permissions["/"] = ["*"];
        account.VirtualFolders.Add(new SftpVirtualFolder { Name = "mine", VirtualPath = "/shared/alice/", FileSystem = new SftpFileSystemConfig { Root = "/mine" } });
        account.FilePatterns.Add(new SftpPathFilter { Path = "/", AllowedPatterns = ["*"] });
        account.DeniedIPs.Add("10.1.1.1");

        var effective = SftpEffectiveAccount.Compute(account, [Primary()]);
        Assert.Equal("/srv//alice", effective.HomeDirectory); // no role: %role% is empty
        Assert.Equal("s3", effective.FileSystem!.Provider);
        Assert.Equal((5L, 1, 10L), (effective.QuotaSize, effective.MaxSessions, effective.QuotaFiles));
        Assert.Equal(["*"], effective.Permissions["/"]);
        Assert.Equal(["*"], effective.Permissions["/in"]);
        Assert.Equal("mine", Assert.Single(effective.VirtualFolders).Name); // same path (normalised): the account's stays
        Assert.Equal(["*"], Assert.Single(effective.FilePatterns).AllowedPatterns);
        Assert.Equal(["10.1.1.1"], effective.DeniedIPs); // appended without duplicates

        var local = Primary();
        local.FileSystem = new SftpFileSystemConfig { Provider = "local", Root = "/ignored" };
        Assert.Equal("own", SftpEffectiveAccount.Compute(account, [local]).FileSystem!.Root); // a local group storage does not replace
        local.HomeDirectory = null;
        Assert.Equal("/home/alice", SftpEffectiveAccount.Compute(account, [local]).HomeDirectory);
    }

    [Fact]
    public void Secondary_groups_add_folders_permissions_and_filters_but_never_root_home_storage_or_limits()
    {
        var effective = SftpEffectiveAccount.Compute(
            Member(("s1", SftpGroupType.Secondary), ("s2", SftpGroupType.Secondary), ("s3", SftpGroupType.Secondary)),
            [Secondary("s1", "/one"), Secondary("s2", "/two"), Secondary("s3", "/one")]);
        Assert.Null(effective.HomeDirectory);
        Assert.Null(effective.FileSystem);
        Assert.Equal((0, 0L), (effective.MaxSessions, effective.QuotaSize));
        Assert.Equal(["s1", "s2"], effective.VirtualFolders.Select(f => f.Name)); // the first listed wins a shared path
        Assert.False(effective.Permissions.ContainsKey("/"));
        Assert.Equal(["list"], effective.Permissions["/one"]);
        Assert.Equal(["/one", "/two"], effective.FilePatterns.Select(f => f.Path));
        Assert.Equal(["publickey", "password"], effective.DeniedLoginMethods);
    }

    [Fact]
    public void The_primary_group_merges_before_secondaries_and_membership_groups_give_nothing()
    {
        var primary = Primary();
        primary.VirtualFolders[0].VirtualPath = "/one";
        var effective = SftpEffectiveAccount.Compute(
            Member(("s1", SftpGroupType.Secondary), ("m", SftpGroupType.Membership), ("p", SftpGroupType.Primary)),
            [Secondary("s1", "/one"), Secondary("m", "/member"), primary]);
        Assert.Equal("pf", Assert.Single(effective.VirtualFolders).Name);
        Assert.Equal(["list", "download"], effective.Permissions["/"]);
        Assert.False(effective.Permissions.ContainsKey("/member"));
        Assert.Equal(3, effective.Groups.Count); // memberships are kept
    }

    [Fact]
    public async Task The_resolver_refuses_missing_groups_and_two_primaries_and_skips_membership_lookups()
    {
        var store = new InMemoryGroupStore(Primary());
        var resolver = new SftpAccountGroupResolver(store);
        Assert.Equal("/srv//alice", (await resolver.ResolveAsync(Member(("p", SftpGroupType.Primary), ("tag", SftpGroupType.Membership)), default)).Account!.HomeDirectory);
        var (missing, why) = await resolver.ResolveAsync(Member(("p", SftpGroupType.Primary), ("gone", SftpGroupType.Secondary)), default);
        Assert.Null(missing);
        Assert.NotNull(why);
        Assert.Null((await resolver.ResolveAsync(Member(("p", SftpGroupType.Primary), ("p", SftpGroupType.Primary)), default)).Account);
        Assert.Null((await new SftpAccountGroupResolver(null).ResolveAsync(Member(("p", SftpGroupType.Primary)), default)).Account);
        var plain = new SftpAccount { UserName = "bob" };
        Assert.Same(plain, (await new SftpAccountGroupResolver(null).ResolveAsync(plain, default)).Account);
    }

    private sealed class CountingGroupStore(params SftpGroup[] groups) : ISftpGroupStore
    {
        private readonly InMemoryGroupStore _inner = new(groups);

        public int Finds { get; private set; }

        public ValueTask<SftpGroup?> FindAsync(string name, CancellationToken cancellationToken)
        {
            Finds++;
            return _inner.FindAsync(name, cancellationToken);
        }

        public IAsyncEnumerable<SftpGroup> ListAsync(CancellationToken cancellationToken) => _inner.ListAsync(cancellationToken);

        public ValueTask CreateAsync(SftpGroup group, CancellationToken cancellationToken) => _inner.CreateAsync(group, cancellationToken);

        public ValueTask<bool> UpdateAsync(SftpGroup group, CancellationToken cancellationToken) => _inner.UpdateAsync(group, cancellationToken);

        public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) => _inner.DeleteAsync(name, cancellationToken);
    }

    [Fact]
    public async Task A_login_is_resolved_once_and_its_session_limit_comes_from_the_primary_group()
    {
        var store = new CountingGroupStore(Primary());
        var resolver = new SftpKit.Hosting.EffectiveAccountResolver(new SftpAccountGroupResolver(store));
        var principal = new SshPrincipal("alice").SetFeature(Member(("p", SftpGroupType.Primary)));
        var (first, _) = await resolver.ResolveAsync(principal, default);
        var (second, _) = await resolver.ResolveAsync(principal, default);
        Assert.Same(first, second);
        Assert.Equal(1, store.Finds);
        Assert.Equal(2, principal.MaxSessions);
        Assert.Equal("/srv//alice", first!.HomeDirectory);

        // A principal a host's authenticator made without an account keeps its own values.
        var bare = new SshPrincipal("bob", "/home/bob") { MaxSessions = 3 };
        var (own, _) = await resolver.ResolveAsync(bare, default);
        Assert.Equal(("/home/bob", 3), (own!.HomeDirectory, bare.MaxSessions));
    }

    [Fact]
    public void Placeholders_are_replaced_ordinally()
    {
        Assert.Equal("/a/bob/x/%USERNAME%", SftpEffectiveAccount.ExpandPlaceholders("/a/%username%/%role%/%USERNAME%", "bob", "x"));
    }
}
