using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SftpKit.Commands;
using SftpKit.FileSystem;

namespace SftpKit.Scp;

/// <summary>
/// <c>scp -f</c>: the client downloads. Sends C/D/E (and T with <c>-p</c>) lines and file data, waiting for the
/// client's ack after each. Paths are taken literally: there is no shell, so wildcards are not expanded.
/// </summary>
internal sealed class ScpSource
{
    private const int ChunkSize = 32 * 1024;

    private readonly ScpRun _run;
    private int _errors;

    public ScpSource(ScpRun run) => _run = run;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        try
        {
            // The client speaks first: a zero byte once it is ready.
            if (!await ResponseAsync(ct).ConfigureAwait(false))
            {
                return 1;
            }
            foreach (string display in _run.Args.Paths)
            {
                string path;
                VfsFileInfo info;
                try
                {
                    path = PosixErrorText.Resolve(display, VirtualPath.Root);
                    info = await _run.Fs.GetInfoAsync(path, followLinks: true, ct).ConfigureAwait(false);
                }
                catch (VfsException ex)
                {
                    await WarnAsync($"{display}: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
                    continue;
                }
                if (path == VirtualPath.Root)
                {
                    await WarnAsync($"{display}: cannot send the root directory itself", ct).ConfigureAwait(false);
                }
                else if (info.Type == VfsFileType.Directory)
                {
                    if (_run.Args.Recursive)
                    {
                        await SendDirectoryAsync(path, info, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await WarnAsync($"{display}: not a regular file", ct).ConfigureAwait(false);
                    }
                }
                else if (info.Type == VfsFileType.File)
                {
                    await SendFileAsync(path, info, ct).ConfigureAwait(false);
                }
                else
                {
                    await WarnAsync($"{display}: not a regular file", ct).ConfigureAwait(false);
                }
            }
            return _errors > 0 ? 1 : 0;
        }
        catch (ScpProtocolException ex)
        {
            CommandLog.ScpProtocolError(_run.Logger, _run.ConnectionId, ex.Message);
            return 1;
        }
    }

    private async Task SendFileAsync(string path, VfsFileInfo info, CancellationToken ct)
    {
        string name = VirtualPath.GetName(path);
        if (!ScpEntryHeader.IsSafeName(name))
        {
            await WarnAsync($"{name}: name cannot be sent", ct).ConfigureAwait(false);
            return;
        }
        IVfsReader reader;
        try
        {
            reader = await _run.Fs.OpenReadAsync(path, ct).ConfigureAwait(false);
        }
        catch (VfsException ex)
        {
            await WarnAsync($"{name}: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
            return;
        }
        await using (reader.ConfigureAwait(false))
        {
            if (_run.Args.Preserve && !await SendTimesAsync(info, ct).ConfigureAwait(false))
            {
                return;
            }
            long size = info.Size;
            await _run.Output.LineAsync($"C{Mode(info)} {size.ToString(CultureInfo.InvariantCulture)} {name}\n", ct).ConfigureAwait(false);
            if (!await ResponseAsync(ct).ConfigureAwait(false))
            {
                return;
            }
            VfsError? failure = null;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                long offset = 0;
                while (offset < size)
                {
                    int want = (int)Math.Min(ChunkSize, size - offset);
                    int read = 0;
                    if (failure is null)
                    {
                        try
                        {
                            read = await reader.ReadAsync(offset, buffer.AsMemory(0, want), ct).ConfigureAwait(false);
                        }
                        catch (VfsException ex)
                        {
                            failure = ex.Error;
                        }
                        if (read == 0 && failure is null)
                        {
                            failure = VfsError.Failure; // shrank while being sent
                        }
                    }
                    if (failure is not null)
                    {
                        // The size is promised in the C line: pad, then report the error instead of the final ack.
                        read = want;
                        buffer.AsSpan(0, read).Clear();
                    }
                    await _run.Output.DataAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                    offset += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            if (failure is { } error)
            {
                CommandLog.FileSystemError(_run.Logger, _run.ConnectionId, "scp read", error);
                await WarnAsync($"{name}: {PosixErrorText.For(error)}", ct).ConfigureAwait(false);
            }
            else
            {
                await _run.Output.AckAsync(ct).ConfigureAwait(false);
                CommandLog.ScpDownloadCompleted(_run.Logger, _run.ConnectionId, path, size);
            }
            await ResponseAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task SendDirectoryAsync(string path, VfsFileInfo info, CancellationToken ct)
    {
        string name = VirtualPath.GetName(path);
        if (!ScpEntryHeader.IsSafeName(name))
        {
            await WarnAsync($"{name}: name cannot be sent", ct).ConfigureAwait(false);
            return;
        }
        var entries = new List<VfsFileInfo>();
        try
        {
            await foreach (var entry in _run.Fs.ListAsync(path, ct).ConfigureAwait(false))
            {
                entries.Add(entry);
            }
        }
        catch (VfsException ex)
        {
            await WarnAsync($"{name}: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
            return;
        }
        if (_run.Args.Preserve && !await SendTimesAsync(info, ct).ConfigureAwait(false))
        {
            return;
        }
        await _run.Output.LineAsync($"D{Mode(info)} 0 {name}\n", ct).ConfigureAwait(false);
        if (!await ResponseAsync(ct).ConfigureAwait(false))
        {
            return;
        }
        foreach (var entry in entries)
        {
            string child = VirtualPath.Combine(path, entry.Name);
            VfsFileInfo childInfo = entry;
            if (entry.Type == VfsFileType.SymbolicLink)
            {
                try
                {
                    childInfo = await _run.Fs.GetInfoAsync(child, followLinks: true, ct).ConfigureAwait(false);
                }
                catch (VfsException ex)
                {
                    await WarnAsync($"{entry.Name}: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
                    continue;
                }
            }
            if (childInfo.Type == VfsFileType.Directory)
            {
                await SendDirectoryAsync(child, childInfo, ct).ConfigureAwait(false);
            }
            else if (childInfo.Type == VfsFileType.File)
            {
                await SendFileAsync(child, childInfo, ct).ConfigureAwait(false);
            }
        }
        await _run.Output.LineAsync("E\n", ct).ConfigureAwait(false);
        await ResponseAsync(ct).ConfigureAwait(false);
    }

    private async Task<bool> SendTimesAsync(VfsFileInfo info, CancellationToken ct)
    {
        await _run.Output.LineAsync(new ScpTimes(info.LastWriteTime, info.LastAccessTime).Format(), ct).ConfigureAwait(false);
        return await ResponseAsync(ct).ConfigureAwait(false);
    }

    private async Task WarnAsync(string message, CancellationToken ct)
    {
        _errors++;
        await _run.Output.WarnAsync(message, ct).ConfigureAwait(false);
    }

    // 0 = go on; 1 = the client reports a problem with this entry (skip it); 2 or EOF = stop.
    private async Task<bool> ResponseAsync(CancellationToken ct)
    {
        int b = await _run.Input.ReadByteAsync(ct).ConfigureAwait(false);
        switch (b)
        {
            case 0:
                return true;
            case 1:
                await _run.Input.ReadLineAsync(_run.MaxLineLength, ct).ConfigureAwait(false);
                _errors++;
                return false;
            case 2:
                await _run.Input.ReadLineAsync(_run.MaxLineLength, ct).ConfigureAwait(false);
                throw new ScpProtocolException("the client gave up");
            case < 0:
                throw new ScpProtocolException("lost connection");
            default:
                throw new ScpProtocolException("bad response");
        }
    }

    private static string Mode(VfsFileInfo info)
        => Convert.ToString(info.Permissions & 0xFFF, 8).PadLeft(4, '0');
}
