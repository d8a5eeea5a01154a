namespace SftpKit.FileSystem;

/// <summary>Server-side copy of a <see cref="LocalFileSystem"/>: in the kernel where it can, between confined handles.</summary>
internal sealed class LocalServerSideCopy(LocalFileSystem fs) : IVfsServerSideCopy
{
    /// <remarks>
    /// Both files are opened as every other operation opens them (resolved inside the root, handles re-checked), then
    /// copied in the kernel with copy_file_range(2) where it can, else through a 256 KiB buffer.
    /// </remarks>
    public async ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
    {
        if (fromOffset < 0 || length < 0 || toOffset < 0)
        {
            throw new VfsException(VfsError.Failure, "Negative offset or length.");
        }
        await using var reader = (LocalReader)await fs.OpenReadAsync(from, cancellationToken);
        await using var writer = (LocalWriter)await fs.OpenWriteAsync(to, new VfsWriteOptions { Atomic = false, Offset = toOffset }, cancellationToken);
        await LocalFileCopy.CopyAsync(reader.Handle, fromOffset, length, writer.Handle, toOffset, cancellationToken);
        await writer.CompleteAsync(cancellationToken);
    }

    /// <remarks>
    /// Only a reader and a writer opened by this instance qualify (others get null); their descriptors were confined
    /// when opened, so nothing is resolved again. Copies with copy_file_range(2), else through a 256 KiB buffer.
    /// </remarks>
    public async ValueTask<long?> CopyOpenAsync(IVfsReader source, long sourceOffset, long length, IVfsRandomAccessWriter target, long targetOffset,
        CancellationToken cancellationToken)
    {
        if (source is not LocalReader reader || !ReferenceEquals(reader.Owner, fs) || target is not LocalWriter writer || !ReferenceEquals(writer.Owner, fs))
        {
            return null;
        }
        writer.EnsureWritable();
        return await LocalFileCopy.CopyAsync(reader.Handle, sourceOffset, length, writer.Handle, targetOffset, cancellationToken);
    }
}
