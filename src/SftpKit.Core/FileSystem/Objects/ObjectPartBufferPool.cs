using System.Collections.Concurrent;

namespace SftpKit.FileSystem.Objects;

/// <summary>
/// For object-storage backends: upload-part and read-ahead buffers of exactly the part size. ArrayPool.Shared would
/// round a 5 MiB part up to 8 MiB, 60 % more memory for the same bound; here a buffer is the size asked for, and at
/// most <see cref="MaxIdlePerSize"/> (16) idle buffers of each size are kept for reuse (the rest are left to the GC).
/// Buffers are not cleared: they hold file data, never secrets. <see cref="Shared"/> is the process-wide pool the
/// S3 and Azure Blob packages use.
/// </summary>
public sealed class ObjectPartBufferPool
{
    /// <summary>Idle buffers kept per size.</summary>
    public const int MaxIdlePerSize = 16;

    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _idle = new();

    /// <summary>The process-wide pool.</summary>
    public static ObjectPartBufferPool Shared { get; } = new();

    /// <summary>An idle buffer of exactly <paramref name="size"/> bytes, or a new uninitialised one.</summary>
    public byte[] Rent(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return _idle.TryGetValue(size, out var bag) && bag.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(size);
    }

    /// <summary>Gives a buffer back; kept when fewer than <see cref="MaxIdlePerSize"/> of its size are idle.</summary>
    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var bag = _idle.GetOrAdd(buffer.Length, static _ => []);
        if (bag.Count < MaxIdlePerSize)
        {
            bag.Add(buffer);
        }
    }
}
