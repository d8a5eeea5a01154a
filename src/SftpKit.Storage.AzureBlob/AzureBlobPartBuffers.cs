using System.Collections.Concurrent;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// Block and part buffers of exactly the part size, shared by every upload and download. ArrayPool.Shared would round a 5 MiB block
/// up to 8 MiB, 60 % more memory for the same bound; here a buffer is the part size, and at most
/// <see cref="MaxIdlePerSize"/> idle buffers of each size are kept for reuse (the rest are left to the GC).
/// </summary>
internal static class AzureBlobPartBuffers
{
    public const int MaxIdlePerSize = 16;

    private static readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> s_idle = new();

    public static byte[] Rent(int size) =>
        s_idle.TryGetValue(size, out var bag) && bag.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<byte>(size);

    public static void Return(byte[] buffer)
    {
        var bag = s_idle.GetOrAdd(buffer.Length, static _ => []);
        if (bag.Count < MaxIdlePerSize)
        {
            bag.Add(buffer);
        }
    }
}
