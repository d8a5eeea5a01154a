using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>An OPENDIR handle: streams the listing, keeping one entry aside when a NAME packet is full.</summary>
internal sealed class SftpDirectoryHandle : SftpHandle
{
    private readonly IAsyncEnumerator<VfsFileInfo> _entries;
    private VfsFileInfo? _carried;
    private bool _finished;

    public SftpDirectoryHandle(string path, IAsyncEnumerator<VfsFileInfo> entries)
        : base(path)
    {
        _entries = entries;
    }

    /// <summary>The next entry, or null at the end of the listing.</summary>
    public async ValueTask<VfsFileInfo?> NextAsync()
    {
        if (_carried is not null)
        {
            var carried = _carried;
            _carried = null;
            return carried;
        }
        if (_finished || !await _entries.MoveNextAsync())
        {
            _finished = true;
            return null;
        }
        return _entries.Current;
    }

    /// <summary>Returns an entry that did not fit the current NAME packet; it comes first next time.</summary>
    public void PutBack(VfsFileInfo entry) => _carried = entry;

    public override ValueTask DisposeAsync() => _entries.DisposeAsync();
}
