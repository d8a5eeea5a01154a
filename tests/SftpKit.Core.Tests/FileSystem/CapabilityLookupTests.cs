using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.Policies;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// <see cref="IVirtualFileSystem.GetCapability{T}"/> through the decorators: <see cref="PolicyFileSystem"/> and
/// <see cref="MountedFileSystem"/> claim a capability only when a wrapped file system has it, and what they hand out
/// is still checked (policy) or routed (mounts).
/// </summary>
public sealed class CapabilityLookupTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public void Built_in_file_systems_have_their_capabilities_and_a_bare_one_has_none()
    {
        IVirtualFileSystem memory = new InMemoryFileSystem();
        Assert.NotNull(memory.GetCapability<IVfsSymbolicLinks>());
        Assert.NotNull(memory.GetCapability<IVfsHardLinks>());
        Assert.NotNull(memory.GetCapability<IVfsSpaceInfo>());
        Assert.NotNull(memory.GetCapability<IVfsServerSideCopy>());
        Assert.NotNull(memory.GetCapability<IVfsRandomAccessWrites>());

        IVirtualFileSystem bare = new BareFileSystem(new InMemoryFileSystem());
        Assert.Null(bare.GetCapability<IVfsSymbolicLinks>());
        Assert.Null(bare.GetCapability<IVfsServerSideCopy>());
        Assert.Null(bare.GetCapability<IVfsInfoProbe>());
    }

    [Fact]
    public async Task Policy_layer_lacks_what_the_inner_file_system_lacks()
    {
        IVirtualFileSystem policy = Policy(new BareFileSystem(new InMemoryFileSystem()), ["*"]);

        Assert.Null(policy.GetCapability<IVfsSymbolicLinks>());
        Assert.Null(policy.GetCapability<IVfsHardLinks>());
        Assert.Null(policy.GetCapability<IVfsSpaceInfo>());
        Assert.Null(policy.GetCapability<IVfsServerSideCopy>());
        Assert.Null(policy.GetCapability<IVfsRandomAccessWrites>());
        Assert.False(policy is IVfsSymbolicLinks or IVfsHardLinks or IVfsSpaceInfo or IVfsServerSideCopy);
        // The existence probe is the policy layer's own: it falls back to GetInfoAsync below.
        var probe = Assert.IsAssignableFrom<IVfsInfoProbe>(policy.GetCapability<IVfsInfoProbe>());
        Assert.Null(await probe.TryGetInfoAsync("/missing", true, Ct));
    }

    [Fact]
    public async Task Policy_layer_capabilities_are_present_and_still_checked()
    {
        var memory = new InMemoryFileSystem();
        memory.AddFile("/f", "0123456789"u8);
        IVirtualFileSystem readOnly = Policy(memory, ["list", "download"]);
        IVirtualFileSystem full = Policy(memory, ["*"]);

        var deniedLinks = readOnly.GetCapability<IVfsSymbolicLinks>()!;
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => deniedLinks.CreateSymbolicLinkAsync("/l", "/f", Ct).AsTask()));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => readOnly.GetCapability<IVfsHardLinks>()!.CreateHardLinkAsync("/f", "/h", Ct).AsTask()));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => readOnly.GetCapability<IVfsServerSideCopy>()!.CopyAsync("/f", 0, 0, "/c", 0, Ct).AsTask()));
        Assert.False(memory.Exists("/l") || memory.Exists("/h") || memory.Exists("/c"));

        await full.GetCapability<IVfsSymbolicLinks>()!.CreateSymbolicLinkAsync("/l", "/f", Ct);
        Assert.Equal("/f", await readOnly.GetCapability<IVfsSymbolicLinks>()!.ReadSymbolicLinkAsync("/l", Ct));
        await full.GetCapability<IVfsServerSideCopy>()!.CopyAsync("/f", 2, 3, "/c", 0, Ct);
        Assert.Equal("234"u8.ToArray(), memory.ReadAllBytes("/c"));
        Assert.NotNull(full.GetCapability<IVfsRandomAccessWrites>());
    }

    [Fact]
    public async Task Policy_layer_reports_the_quota_as_space()
    {
        var account = new SftpAccount { UserName = "q", QuotaSize = 1 << 20 };
        IVirtualFileSystem policy = Policy(new InMemoryFileSystem(), account);
        var space = await policy.GetCapability<IVfsSpaceInfo>()!.GetSpaceAsync("/", Ct);
        Assert.Equal((1 << 20) / space.BlockSize, space.TotalBlocks);
    }

    [Fact]
    public void Policy_layer_passes_a_capability_it_does_not_know_through()
    {
        var inner = new HashingFileSystem(new InMemoryFileSystem());
        IVirtualFileSystem policy = Policy(inner, ["*"]);
        Assert.Same(inner, policy.GetCapability<IContentHash>());
    }

    [Fact]
    public async Task Mounts_claim_a_capability_when_one_file_system_has_it_and_route_it_by_path()
    {
        var shared = new InMemoryFileSystem();
        shared.AddFile("/t", "x"u8);
        IVirtualFileSystem fs = new MountedFileSystem(new BareFileSystem(new InMemoryFileSystem()), new VfsMount("/shared", shared));

        var links = fs.GetCapability<IVfsSymbolicLinks>()!;
        await links.CreateSymbolicLinkAsync("/shared/l", "t", Ct);
        Assert.Equal("t", await links.ReadSymbolicLinkAsync("/shared/l", Ct));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => links.CreateSymbolicLinkAsync("/l", "/x", Ct).AsTask()));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.GetCapability<IVfsSpaceInfo>()!.GetSpaceAsync("/", Ct).AsTask()));
        Assert.True((await fs.GetCapability<IVfsSpaceInfo>()!.GetSpaceAsync("/shared", Ct)).TotalBlocks > 0);
        // Random-access writes only when every file system has them; the probe always.
        Assert.Null(fs.GetCapability<IVfsRandomAccessWrites>());
        Assert.NotNull(fs.GetCapability<IVfsInfoProbe>());
        Assert.False(fs is IVfsSymbolicLinks or IVfsHardLinks or IVfsSpaceInfo or IVfsServerSideCopy);
    }

    [Fact]
    public void Mounts_lack_what_every_file_system_lacks()
    {
        IVirtualFileSystem fs = new MountedFileSystem(
            new BareFileSystem(new InMemoryFileSystem()), new VfsMount("/a", new BareFileSystem(new InMemoryFileSystem())));
        Assert.Null(fs.GetCapability<IVfsSymbolicLinks>());
        Assert.Null(fs.GetCapability<IVfsHardLinks>());
        Assert.Null(fs.GetCapability<IVfsSpaceInfo>());
        Assert.Null(fs.GetCapability<IVfsServerSideCopy>());
        Assert.Null(fs.GetCapability<IContentHash>());

        IVirtualFileSystem memoryOnly = new MountedFileSystem(new InMemoryFileSystem(), new VfsMount("/a", new InMemoryFileSystem()));
        Assert.NotNull(memoryOnly.GetCapability<IVfsRandomAccessWrites>());
    }

    [Fact]
    public async Task Policy_over_mounts_checks_then_routes()
    {
        var shared = new InMemoryFileSystem();
        shared.AddFile("/t", "x"u8);
        var mounted = new MountedFileSystem(new BareFileSystem(new InMemoryFileSystem()), new VfsMount("/shared", shared));
        var account = new SftpAccount
        {
            UserName = "m",
            Permissions = new Dictionary<string, IList<string>> { ["/"] = ["*"], ["/shared"] = ["list", "download"] },
        };
        IVirtualFileSystem policy = Policy(mounted, account);

        var links = policy.GetCapability<IVfsSymbolicLinks>()!;
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => links.CreateSymbolicLinkAsync("/shared/l", "t", Ct).AsTask()));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => links.CreateSymbolicLinkAsync("/l", "/shared/t", Ct).AsTask()));
        Assert.False(shared.Exists("/l"));
    }

    private static PolicyFileSystem Policy(IVirtualFileSystem inner, IList<string> rootPermissions)
        => Policy(inner, new SftpAccount { UserName = "u", Permissions = new Dictionary<string, IList<string>> { ["/"] = rootPermissions } });

    private static PolicyFileSystem Policy(IVirtualFileSystem inner, SftpAccount account)
    {
        var options = new SftpPolicyOptions();
        return new PolicyFileSystem(inner, new SftpAccountPolicy(account, options, new SftpBandwidthLimiter(options)),
            new SftpQuotaLedger(new InMemoryUserStore()));
    }

    private static async Task<VfsError> ErrorOf(Func<Task> action) => (await Assert.ThrowsAsync<VfsException>(action)).Error;

    /// <summary>A capability of a user's own.</summary>
    public interface IContentHash
    {
        ValueTask<byte[]> HashAsync(string path, CancellationToken cancellationToken);
    }

    /// <summary>A file system with one capability of its own and none of SftpKit's.</summary>
    private sealed class HashingFileSystem(IVirtualFileSystem inner) : BareFileSystem(inner), IContentHash
    {
        public ValueTask<byte[]> HashAsync(string path, CancellationToken cancellationToken) => ValueTask.FromResult(Array.Empty<byte>());
    }

    /// <summary>The core operations of another file system, without any optional capability.</summary>
    private class BareFileSystem(IVirtualFileSystem inner) : ForwardingFileSystem(inner);
}
