using System.Reflection;
using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.Policies;

namespace SftpKit.Tests.Policies;

/// <summary>
/// An upload's OPEN looks its target up once: when the caller hands down what it probed (the SFTP layer does), the
/// policy layer takes the target's state from there instead of asking the storage again — and still applies the
/// permission and quota decisions that state implies.
/// </summary>
public sealed class PolicyWriteProbeTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_probed_target_is_not_looked_up_again_and_an_unprobed_one_is()
    {
        var (policy, lookups) = Create(new Dictionary<string, IList<string>> { ["/"] = ["*"] });

        await using (var writer = await policy.OpenWriteAsync("/new.bin", new VfsWriteOptions { TargetProbed = true, ProbedTarget = null }, Ct))
        {
            await writer.CompleteAsync(Ct);
        }
        Assert.Equal(0, lookups.Count);

        await using (var writer = await policy.OpenWriteAsync("/other.bin", new VfsWriteOptions(), Ct))
        {
            await writer.CompleteAsync(Ct);
        }
        Assert.Equal(1, lookups.Count);
    }

    [Fact]
    public async Task A_probed_existing_target_needs_the_overwrite_permission()
    {
        var (policy, _) = Create(new Dictionary<string, IList<string>> { ["/"] = ["list", "upload"] });
        var existing = new VfsFileInfo { Name = "old.bin", Type = VfsFileType.File, Size = 3 };

        var denied = await Assert.ThrowsAsync<VfsException>(() =>
            policy.OpenWriteAsync("/old.bin", new VfsWriteOptions { TargetProbed = true, ProbedTarget = existing }, Ct).AsTask());
        Assert.Equal(VfsError.PermissionDenied, denied.Error);
        await using var writer = await policy.OpenWriteAsync("/fresh.bin", new VfsWriteOptions { TargetProbed = true }, Ct);
    }

    private static (PolicyFileSystem Policy, LookupCounter Lookups) Create(Dictionary<string, IList<string>> permissions)
    {
        var memory = new InMemoryFileSystem();
        var counted = LookupCounter.Wrap(memory, out var lookups);
        var account = new SftpAccount { UserName = "probe", Permissions = permissions };
        var options = new SftpPolicyOptions();
        var policy = new PolicyFileSystem(counted, new SftpAccountPolicy(account, options, new SftpBandwidthLimiter(options)),
            new SftpQuotaLedger(new InMemoryUserStore()));
        return (policy, lookups);
    }

    /// <summary>Forwards every call to the storage and counts attribute lookups (GetInfoAsync).</summary>
    public class LookupCounter : DispatchProxy
    {
        private IVirtualFileSystem _inner = null!;
        private int _count;

        /// <summary>GetInfoAsync calls so far.</summary>
        public int Count => Volatile.Read(ref _count);

        internal static IVirtualFileSystem Wrap(IVirtualFileSystem inner, out LookupCounter counter)
        {
            var proxy = Create<IVirtualFileSystem, LookupCounter>();
            counter = (LookupCounter)(object)proxy;
            counter._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IVirtualFileSystem.GetInfoAsync))
            {
                Interlocked.Increment(ref _count);
            }
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
