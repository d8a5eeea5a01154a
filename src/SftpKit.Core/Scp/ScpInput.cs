using System.Text;

namespace SftpKit.Scp;

/// <summary>Buffered reads of the client's side of an rcp-protocol stream: bounded lines, single bytes, and raw file data.</summary>
internal sealed class ScpInput
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public ScpInput(Stream stream) => _stream = stream;

    /// <summary>Reads one byte; -1 at end of input.</summary>
    public async ValueTask<int> ReadByteAsync(CancellationToken ct)
    {
        if (_start == _end && !await FillAsync(ct).ConfigureAwait(false))
        {
            return -1;
        }
        return _buffer[_start++];
    }

    /// <summary>
    /// Reads the rest of a line (without its <c>\n</c>) as UTF-8. Null at end of input; throws
    /// <see cref="ScpProtocolException"/> for a line longer than <paramref name="maxLength"/> bytes or cut by EOF.
    /// </summary>
    public async ValueTask<string> ReadLineAsync(int maxLength, CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(ct).ConfigureAwait(false))
            {
                throw new ScpProtocolException("unexpected end of input in a protocol line");
            }
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int take = (newline < 0 ? _end : newline) - _start;
            if (line.Count + take > maxLength)
            {
                throw new ScpProtocolException("protocol line too long");
            }
            line.AddRange(new ArraySegment<byte>(_buffer, _start, take));
            _start += take;
            if (newline >= 0)
            {
                _start++;
                return Encoding.UTF8.GetString(line.ToArray());
            }
        }
    }

    /// <summary>Hands exactly <paramref name="count"/> bytes to <paramref name="sink"/> in chunks; throws at early EOF.</summary>
    public async ValueTask CopyAsync(long count, Func<ReadOnlyMemory<byte>, ValueTask> sink, CancellationToken ct)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(ct).ConfigureAwait(false))
            {
                throw new ScpProtocolException("unexpected end of input in file data");
            }
            int take = (int)Math.Min(count, _end - _start);
            await sink(_buffer.AsMemory(_start, take)).ConfigureAwait(false);
            _start += take;
            count -= take;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
        return _end > 0;
    }
}

/// <summary>The peer broke the rcp protocol; the transfer ends with a fatal error.</summary>
internal sealed class ScpProtocolException : Exception
{
    public ScpProtocolException(string message)
        : base(message)
    {
    }
}
