using System.Globalization;
using System.Text;

namespace SftpKit.Sftp;

/// <summary>A session's open handles, bounded by <see cref="SftpSubsystemOptions.MaxOpenHandles"/>.</summary>
internal sealed class SftpHandleTable
{
    private readonly Dictionary<string, SftpHandle> _handles = new(StringComparer.Ordinal);
    private readonly int _limit;
    private uint _next;

    public SftpHandleTable(int limit) => _limit = limit;

    public int Limit => _limit;

    public bool IsFull
    {
        get
        {
            lock (_handles)
            {
                return _handles.Count >= _limit;
            }
        }
    }

    /// <summary>Names and adds <paramref name="handle"/>; false when the table is full.</summary>
    public bool TryAdd(SftpHandle handle)
    {
        lock (_handles)
        {
            if (_handles.Count >= _limit)
            {
                return false;
            }
            // Opaque to the client; a counter never repeats within a session, so a stale handle cannot hit a new file.
            handle.Id = (++_next).ToString("x8", CultureInfo.InvariantCulture);
            _handles.Add(handle.Id, handle);
            return true;
        }
    }

    public SftpHandle? Find(ReadOnlySpan<byte> handle)
    {
        if (handle.Length != 8)
        {
            return null;
        }
        string id = Encoding.ASCII.GetString(handle);
        lock (_handles)
        {
            return _handles.GetValueOrDefault(id);
        }
    }

    public bool Remove(SftpHandle handle)
    {
        lock (_handles)
        {
            return _handles.Remove(handle.Id);
        }
    }

    public List<SftpHandle> RemoveAll()
    {
        lock (_handles)
        {
            var all = _handles.Values.ToList();
            _handles.Clear();
            return all;
        }
    }
}
