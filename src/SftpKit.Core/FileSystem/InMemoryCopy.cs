namespace SftpKit.FileSystem;

/// <summary>Server-side copy of an <see cref="InMemoryFileSystem"/>, under its lock, without an intermediate buffer.</summary>
internal sealed class InMemoryCopy(InMemoryFileSystem fs) : IVfsServerSideCopy
{
    public ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (fromOffset < 0 || length < 0 || toOffset < 0)
        {
            throw new VfsException(VfsError.Failure, "Negative offset or length.");
        }
        lock (fs.Gate)
        {
            var source = InMemoryEntries.RequireFile(fs.Resolve(from, followFinal: true));
            var targetLookup = fs.Resolve(to, followFinal: true);
            var target = targetLookup.Node switch
            {
                InMemoryFile file => file,
                null => null,
                InMemoryDirectory => throw new VfsException(VfsError.IsADirectory, "The target is a directory."),
                _ => throw new VfsException(VfsError.Failure, "The target is not a regular file."),
            };
            if (target is null)
            {
                InMemoryEntries.CheckName(targetLookup.Name);
                target = new InMemoryFile(0x1A4, InMemoryFileSystem.Now) { Counted = true };
                fs.Link(targetLookup.Parent!, targetLookup.Name, target);
            }
            CopyRange(source, fromOffset, length, target, toOffset);
        }
        return ValueTask.CompletedTask;
    }

    /// <remarks>Readers and writers of this instance only (others get null); the copy happens under the file system's lock.</remarks>
    public ValueTask<long?> CopyOpenAsync(IVfsReader source, long sourceOffset, long length, IVfsRandomAccessWriter target, long targetOffset,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (source is not InMemoryReader reader || !ReferenceEquals(reader.Owner, fs)
            || target is not InMemoryWriter writer || !ReferenceEquals(writer.Owner, fs))
        {
            return ValueTask.FromResult<long?>(null);
        }
        if (sourceOffset < 0 || length < 0 || targetOffset < 0)
        {
            throw new VfsException(VfsError.Failure, "Negative offset or length.");
        }
        writer.EnsureWritable();
        lock (fs.Gate)
        {
            return ValueTask.FromResult<long?>(CopyRange(reader.File, sourceOffset, length, writer.File, targetOffset));
        }
    }

    /// <summary>Copies in place without an intermediate buffer (memmove semantics when source and target are one file). Caller holds the lock.</summary>
    private long CopyRange(InMemoryFile source, long sourceOffset, long length, InMemoryFile target, long targetOffset)
    {
        long available = Math.Max(0, source.Length - sourceOffset);
        long count = length == 0 ? available : Math.Min(length, available);
        if (count == 0)
        {
            return 0;
        }
        long end = targetOffset + count;
        if (end > Array.MaxLength)
        {
            throw new VfsException(VfsError.NoSpace, "File too large for memory storage.");
        }
        if (end > target.Length)
        {
            fs.Resize(target, end);
        }
        target.CopyFrom(source, sourceOffset, (int)count, targetOffset);
        target.LastWriteTime = InMemoryFileSystem.Now;
        return count;
    }
}
