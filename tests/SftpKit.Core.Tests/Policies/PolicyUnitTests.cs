using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Policies;
using SftpKit.Tests.Events;

namespace SftpKit.Tests.Policies;

public sealed class PolicyUnitTests
{
    [Fact]
    public void Nearest_configured_parent_wins()
    {
        var set = new SftpPermissionSet(new Dictionary<string, IList<string>>
        {
            ["/"] = ["list", "download"],
            ["/a"] = ["*"],
            ["/a/b"] = ["list"],
        });
        Assert.Equal(SftpPermission.List | SftpPermission.Download, set.For("/"));
        Assert.Equal(SftpPermission.List | SftpPermission.Download, set.For("/ab"));
        Assert.Equal(SftpPermission.All, set.For("/a"));
        Assert.Equal(SftpPermission.All, set.For("/a/c/d"));
        Assert.Equal(SftpPermission.List, set.For("/a/b"));
        Assert.Equal(SftpPermission.List, set.For("/a/b/c"));
        Assert.True(set.Has("/a/x", SftpPermission.Delete));
        Assert.False(set.Has("/a/b", SftpPermission.DeleteFiles));
    }

    [Fact]
    public void Missing_root_entry_means_everything_and_compound_names_expand()
    {
        var set = new SftpPermissionSet(new Dictionary<string, IList<string>> { ["/ro"] = ["list", "delete", "rename"] });
        Assert.Equal(SftpPermission.All, set.For("/other"));
        var ro = set.For("/ro/x");
        Assert.True(ro.HasFlag(SftpPermission.DeleteFiles) && ro.HasFlag(SftpPermission.DeleteDirs));
        Assert.True(ro.HasFlag(SftpPermission.RenameFiles) && ro.HasFlag(SftpPermission.RenameDirs));
        Assert.False(ro.HasFlag(SftpPermission.Upload));
        var unknown = new List<string>();
        SftpPermissionNames.Parse(["list", "fly"], unknown);
        Assert.Equal(["fly"], unknown);
    }

    [Theory]
    [InlineData("photo.jpg", "*.jpg", true)]
    [InlineData("photo.jpeg", "*.jpg", false)]
    [InlineData("a1.txt", "a?.txt", true)]
    [InlineData("a12.txt", "a?.txt", false)]
    [InlineData("b.log", "[abc].log", true)]
    [InlineData("d.log", "[abc].log", false)]
    [InlineData("d.log", "[!abc].log", true)]
    [InlineData("x5", "x[0-9]", true)]
    [InlineData("xa", "x[0-9]", false)]
    [InlineData("weird[name", "weird[name", true)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*c", false)]
    public void Globs_match_like_a_shell(string name, string pattern, bool expected) =>
        Assert.Equal(expected, Glob.IsMatch(name, pattern));

    [Fact]
    public void File_name_filters_deny_first_then_allow_and_ignore_case()
    {
        var filter = new SftpFileNameFilter(
        [
            new SftpPathFilter { Path = "/", DeniedPatterns = ["*.exe"] },
            new SftpPathFilter { Path = "/photos", AllowedPatterns = ["*.jpg", "*.png"] },
        ]);
        Assert.False(filter.IsAllowed("/setup.EXE"));
        Assert.True(filter.IsAllowed("/notes.txt"));
        Assert.True(filter.IsAllowed("/photos/cat.JPG"));
        Assert.False(filter.IsAllowed("/photos/cat.gif"));
        // The nearest filter decides alone: /photos does not deny .exe, it only allows images.
        Assert.False(filter.IsAllowed("/photos/a.exe"));
        Assert.True(filter.IsAllowed("/"));
    }

    [Fact]
    public async Task Token_bucket_makes_callers_wait_in_proportion()
    {
        var time = new ManualTime();
        var bucket = new SftpTokenBucket(100_000, time);
        // The initial burst is at least 32 KiB.
        Assert.True(bucket.TakeAsync(32 * 1024, CancellationToken.None).AsTask().IsCompleted);
        var wait = bucket.TakeAsync(50_000, CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(2));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new FakeTimer(this, callback, state, _ticks + dueTime.Ticks);
            lock (_pending)
            {
                _pending.Add(timer);
            }
            return timer;
        }

        private readonly List<FakeTimer> _pending = [];

        public void Advance(TimeSpan by)
        {
            Interlocked.Add(ref _ticks, by.Ticks);
            List<FakeTimer> due;
            lock (_pending)
            {
                due = _pending.Where(t => t.Due <= _ticks).ToList();
                _pending.RemoveAll(due.Contains);
            }
            foreach (var t in due)
            {
                t.Fire();
            }
        }

        private sealed class FakeTimer(ManualTime owner, TimerCallback callback, object? state, long due) : ITimer
        {
            public long Due { get; } = due;

            public void Fire() => callback(state);

            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
                lock (owner._pending)
                {
                    owner._pending.Remove(this);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    [Fact]
    public async Task Json_file_store_saves_atomically_and_reloads_outside_edits()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sftpkit-json-" + Guid.NewGuid().ToString("N")[..8]);
        string file = Path.Combine(dir, "users.json");
        var log = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Trace));
        try
        {
            using (var store = new JsonFileUserStore(file, loggers.CreateLogger<JsonFileUserStore>()))
            {
                await store.CreateAsync(new SftpAccount { UserName = "ann", QuotaSize = 5, Permissions = { ["/"] = ["list"] } }, CancellationToken.None);
                Assert.Contains("\"userName\": \"ann\"", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
                Assert.Single(Directory.GetFiles(dir));

                // An outside edit is picked up without a restart. Edits replace the file whole (as editors that
                // save through a rename do), so a reload never sees half of one.
                string edited = (await File.ReadAllTextAsync(file)).Replace("\"ann\"", "\"bob\"", StringComparison.Ordinal);
                log.Records.Clear();
                ReplaceFile(file, edited);
                await log.WaitForAsync(r => r.EventId.Name == "UserFileLoaded");
                var bob = await store.FindAsync("bob", CancellationToken.None);
                Assert.NotNull(bob);
                Assert.Equal(5, bob!.QuotaSize);
                Assert.Equal(["list"], bob.Permissions["/"]);
                Assert.Null(await store.FindAsync("ann", CancellationToken.None));

                // A broken file keeps the accounts in force: checked once the store has tried to load it.
                log.Records.Clear();
                ReplaceFile(file, "{ not json");
                await log.WaitForAsync(r => r.EventId.Name == "UserFileLoadFailed");
                Assert.NotNull(await store.FindAsync("bob", CancellationToken.None));
                Assert.DoesNotContain(log.Records, r => r.EventId.Name == "UserFileLoaded");
            }
            // A new instance reads what was saved last by the store, not the broken edit... unless overwritten: rewrite.
            await File.WriteAllTextAsync(file, "{\"users\":[{\"userName\":\"cy\",\"enabled\":false}]}");
            using var reopened = new JsonFileUserStore(file);
            var cy = await reopened.FindAsync("cy", CancellationToken.None);
            Assert.NotNull(cy);
            Assert.False(cy!.Enabled);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void ReplaceFile(string file, string content)
    {
        string temp = file + ".edit";
        File.WriteAllText(temp, content);
        File.Move(temp, file, overwrite: true);
    }
}
