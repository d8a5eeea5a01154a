using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Tests.FileSystem.Objects;

/// <summary>
/// An object store in memory with the object-storage bases of Core on top: a reader, a part writer and a file tree
/// whose requests are dictionary reads and writes. Counts requests so tests can check what the bases ask for.
/// </summary>
internal sealed class MemoryObjectStore
{
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<(long Offset, int Length)> Fetches { get; } = new();

    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>Fetches (0-based count) that fail once with <see cref="VfsError.Failure"/>.</summary>
    public HashSet<int> FailingFetches { get; } = [];

    /// <summary>Part numbers whose upload fails.</summary>
    public HashSet<int> FailingParts { get; } = [];

    public int PartSize { get; init; } = 4;

    public int Concurrency { get; init; } = 2;

    public bool KeepPartialUploads { get; init; }

    public int MaxRenameObjects { get; init; } = 100;

    public int MaxInFlight => _maxInFlight;

    private int _fetches;
    private int _inFlight;
    private int _maxInFlight;

    public static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1)).ToArray();

    public Reader OpenReader(string key) => new(this, key);

    public Writer OpenWriter(string key) => new(this, key);

    public Tree OpenTree() => new(this);

    private ValueTask<int> FetchAsync(string key, long offset, Memory<byte> buffer)
    {
        int n = Interlocked.Increment(ref _fetches) - 1;
        Fetches.Enqueue((offset, buffer.Length));
        lock (FailingFetches)
        {
            if (FailingFetches.Remove(n))
            {
                throw new VfsException(VfsError.Failure, "Storage request failed.");
            }
        }
        var data = Objects[key];
        int count = (int)Math.Max(0, Math.Min(buffer.Length, data.Length - offset));
        if (count > 0)
        {
            data.AsSpan((int)offset, count).CopyTo(buffer.Span);
        }
        return ValueTask.FromResult(count);
    }

    internal sealed class Reader(MemoryObjectStore store, string key)
        : ObjectReadAheadReader(ObjectEntries.File(key, store.Objects[key].Length, null), store.PartSize, store.Concurrency, TimeSpan.Zero)
    {
        protected override ValueTask<int> FetchAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) =>
            store.FetchAsync(key, offset, buffer);

        protected override void OnPartRetried(long part, Exception exception) => store.Events.Enqueue($"retried {part}");
    }

    internal sealed class Writer(MemoryObjectStore store, string key)
        : ObjectPartWriter(store.PartSize, store.Concurrency, TimeSpan.Zero, store.KeepPartialUploads)
    {
        private readonly ConcurrentDictionary<int, byte[]> _parts = new();
        private int _next;

        protected override bool HasParts => _next > 0;

        public override ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(ObjectEntries.File(key, Position, null));

        public override async ValueTask ResumeAsync(long offset, CancellationToken cancellationToken) =>
            await SeedAsync(0, offset, (at, buffer, _) => store.FetchAsync(key, at, buffer), cancellationToken);

        protected override ValueTask<int> NextPartAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_next++);

        protected override async ValueTask UploadPartAsync(int part, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            int now = Interlocked.Increment(ref store._inFlight);
            InterlockedMax(ref store._maxInFlight, now);
            try
            {
                await Task.Yield();
                if (store.FailingParts.Contains(part))
                {
                    throw new InvalidOperationException("part refused");
                }
                _parts[part] = data.ToArray();
            }
            finally
            {
                Interlocked.Decrement(ref store._inFlight);
            }
        }

        protected override ValueTask PutWholeAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            store.Objects[key] = data.ToArray();
            store.Events.Enqueue("put");
            return ValueTask.CompletedTask;
        }

        protected override ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            store.Objects[key] = Enumerable.Range(0, _next).SelectMany(i => _parts[i]).ToArray();
            store.Events.Enqueue($"commit {_next}");
            return ValueTask.CompletedTask;
        }

        protected override ValueTask AbortAsync()
        {
            store.Events.Enqueue("abort");
            return ValueTask.CompletedTask;
        }

        protected override void OnCompleted() => store.Events.Enqueue($"completed {Position}");

        protected override void OnKeptPartial() => store.Events.Enqueue($"kept {Position}");

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    internal sealed class Tree(MemoryObjectStore store)
        : ObjectFileTree(new ObjectKeyMap("p", null), store.MaxRenameObjects, store.Concurrency)
    {
        protected override ValueTask<VfsFileInfo?> HeadFileAsync(string key, string name, CancellationToken cancellationToken) =>
            ValueTask.FromResult(store.Objects.TryGetValue(key, out var data) ? ObjectEntries.File(name, data.Length, null) : null);

        protected override ValueTask<IVfsReader?> OpenFileAsync(string key, string name, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IVfsReader?>(store.Objects.ContainsKey(key) ? store.OpenReader(key) : null);

        protected override ObjectPartWriter CreateWriter(string key, string name) => store.OpenWriter(key);

        protected override ValueTask<IReadOnlyList<string>> FirstKeysAsync(string prefix, int count, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<string>>(Under(prefix).Take(count).ToList());

        protected override async IAsyncEnumerable<KeyValuePair<string, long>> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var key in Under(prefix))
            {
                await Task.Yield();
                yield return new KeyValuePair<string, long>(key, store.Objects[key].Length);
            }
        }

        protected override ValueTask PutEmptyAsync(string key, CancellationToken cancellationToken)
        {
            store.Objects[key] = [];
            return ValueTask.CompletedTask;
        }

        protected override ValueTask DeleteKeyAsync(string key, CancellationToken cancellationToken)
        {
            store.Objects.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }

        protected override ValueTask CopyKeyAsync(string sourceKey, string targetKey, long size, CancellationToken cancellationToken)
        {
            store.Events.Enqueue($"copy {sourceKey} {targetKey}");
            store.Objects[targetKey] = store.Objects[sourceKey];
            return ValueTask.CompletedTask;
        }

        protected override bool IgnoresSetstat(string operation, string path) => false;

        protected override void OnRenamed(string from, string to, int objects) => store.Events.Enqueue($"renamed {from} {to} {objects}");

        protected override void OnRenameTooLarge(string from, int limit) => store.Events.Enqueue($"too large {from} {limit}");

        private List<string> Under(string prefix) =>
            store.Objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }
}
