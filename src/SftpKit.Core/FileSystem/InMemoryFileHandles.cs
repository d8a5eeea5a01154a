namespace SftpKit.FileSystem;

/// <summary>An open in-memory file for reading; keeps reading the file even after it is unlinked, as POSIX does.</summary>
internal sealed class InMemoryReader(InMemoryFileSystem owner, InMemoryFile file, string name) : IVfsReader
{
    public InMemoryFileSystem Owner => owner;

    public InMemoryFile File => file;

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(owner.ReadFile(file, offset, buffer.Span));
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult(owner.Describe(file, name));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// An in-memory upload. Atomic uploads write to a detached file published by <see cref="CompleteAsync"/>; in-place
/// uploads write straight into the named file.
/// </summary>
internal sealed class InMemoryWriter : IVfsRandomAccessWriter
{
    private readonly InMemoryFileSystem _owner;
    private readonly InMemoryFile _file;
    private readonly string _name;
    private readonly string? _publishPath;
    private readonly bool _createNew;
    private bool _completed;
    private bool _disposed;

    // publishPath: where an atomic upload appears on completion; null for in-place uploads.
    public InMemoryWriter(InMemoryFileSystem owner, InMemoryFile file, string name, long offset, string? publishPath, bool createNew)
    {
        _owner = owner;
        _file = file;
        _name = name;
        _publishPath = publishPath;
        _createNew = createNew;
        Position = offset;
    }

    public long Position { get; private set; }

    public InMemoryFileSystem Owner => _owner;

    public InMemoryFile File => _file;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        EnsureWritable();
        cancellationToken.ThrowIfCancellationRequested();
        _owner.WriteFile(_file, Position, data.Span);
        Position += data.Length;
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAtAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        EnsureWritable();
        cancellationToken.ThrowIfCancellationRequested();
        _owner.WriteFile(_file, offset, data.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_owner.ReadFile(_file, offset, buffer.Span));
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_completed)
        {
            return ValueTask.CompletedTask;
        }
        if (_publishPath is not null)
        {
            Publish(_publishPath);
        }
        _completed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ValueTask.FromResult(_owner.Describe(_file, _name));
    }

    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_publishPath is not null && !_completed)
            {
                _owner.Discard(_file);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Moves the finished atomic upload under its name, replacing any existing file.</summary>
    private void Publish(string path)
    {
        lock (_owner.Gate)
        {
            var lookup = _owner.Resolve(path, followFinal: true);
            switch (lookup.Node)
            {
                case null:
                    InMemoryEntries.CheckName(lookup.Name);
                    break;
                case InMemoryFile when _createNew:
                    throw new VfsException(VfsError.AlreadyExists, "The file exists.");
                case InMemoryFile:
                    _owner.Unlink(lookup.Parent!, lookup.Name);
                    break;
                default:
                    throw new VfsException(VfsError.IsADirectory, "The path is a directory.");
            }
            _owner.Link(lookup.Parent!, lookup.Name, _file);
        }
    }

    internal void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed && _publishPath is not null)
        {
            throw new VfsException(VfsError.Failure, "The upload is already complete.");
        }
    }
}
