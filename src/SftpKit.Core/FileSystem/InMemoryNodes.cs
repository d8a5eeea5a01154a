namespace SftpKit.FileSystem;

/// <summary>An inode of the in-memory tree: metadata shared by every name that refers to it.</summary>
internal abstract class InMemoryNode
{
    protected InMemoryNode(uint permissions, DateTimeOffset now)
    {
        Permissions = permissions & 0xFFF;
        LastWriteTime = now;
        LastAccessTime = now;
    }

    public uint Permissions { get; set; }

    public DateTimeOffset LastWriteTime { get; set; }

    public DateTimeOffset LastAccessTime { get; set; }

    public uint Uid { get; set; }

    public uint Gid { get; set; }

    /// <summary>Names referring to this node (directories always 1 here; the tree has no "." or ".." entries).</summary>
    public uint LinkCount { get; set; }

    public abstract VfsFileType Type { get; }

    public abstract long Size { get; }

    public VfsFileInfo ToInfo(string name) => new()
    {
        Name = name,
        Type = Type,
        Size = Size,
        Permissions = Permissions,
        LastWriteTime = LastWriteTime,
        LastAccessTime = LastAccessTime,
        Uid = Uid,
        Gid = Gid,
        LinkCount = Math.Max(1, LinkCount),
    };
}

/// <summary>A directory: children sorted by ordinal name so listings are stable.</summary>
internal sealed class InMemoryDirectory(uint permissions, DateTimeOffset now) : InMemoryNode(permissions, now)
{
    public SortedDictionary<string, InMemoryNode> Children { get; } = new(StringComparer.Ordinal);

    public override VfsFileType Type => VfsFileType.Directory;

    public override long Size => 0;
}

/// <summary>A symbolic link holding its target text as the client gave it.</summary>
internal sealed class InMemorySymbolicLink(string target, DateTimeOffset now) : InMemoryNode(0x1FF, now)
{
    public string Target { get; } = target;

    public override VfsFileType Type => VfsFileType.SymbolicLink;

    public override long Size => System.Text.Encoding.UTF8.GetByteCount(Target);
}

/// <summary>A regular file with growable storage; hard links share this object, so they see each other's writes.</summary>
internal sealed class InMemoryFile(uint permissions, DateTimeOffset now) : InMemoryNode(permissions, now)
{
    private byte[] _data = [];

    public long Length { get; private set; }

    /// <summary>Whether the bytes count against the file system's capacity (linked, or an upload in progress).</summary>
    public bool Counted { get; set; }

    public override VfsFileType Type => VfsFileType.File;

    public override long Size => Length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= Length)
        {
            return 0;
        }
        int count = (int)Math.Min(buffer.Length, Length - offset);
        _data.AsSpan((int)offset, count).CopyTo(buffer);
        return count;
    }

    /// <summary>Sets the length; new bytes read as zero. The caller has checked capacity.</summary>
    public void SetLength(long length)
    {
        if (length > Array.MaxLength)
        {
            throw new VfsException(VfsError.NoSpace, "File too large for memory storage.");
        }
        if (length > _data.Length)
        {
            long grown = Math.Max(length, Math.Min(Array.MaxLength, Math.Max(4096L, (long)_data.Length * 2)));
            Array.Resize(ref _data, (int)grown);
        }
        else if (length < Length)
        {
            // Clear the cut-off tail so a later extension reads zeros, as POSIX requires.
            _data.AsSpan((int)length, (int)(Length - length)).Clear();
        }
        Length = length;
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        long end = offset + data.Length;
        if (end > Length)
        {
            SetLength(end);
        }
        data.CopyTo(_data.AsSpan((int)offset));
    }

    /// <summary>
    /// Copies <paramref name="count"/> bytes of <paramref name="source"/> (which may be this file; overlapping ranges
    /// copy as if through a temporary buffer) to <paramref name="targetOffset"/>. The caller has checked capacity.
    /// </summary>
    public void CopyFrom(InMemoryFile source, long sourceOffset, int count, long targetOffset)
    {
        long end = targetOffset + count;
        if (end > Length)
        {
            SetLength(end);
        }
        source._data.AsSpan((int)sourceOffset, count).CopyTo(_data.AsSpan((int)targetOffset));
    }

    public byte[] ToArray() => _data.AsSpan(0, (int)Length).ToArray();
}
