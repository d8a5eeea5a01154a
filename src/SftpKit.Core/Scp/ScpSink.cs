using Microsoft.Extensions.Logging;
using SftpKit.Commands;
using SftpKit.FileSystem;

namespace SftpKit.Scp;

/// <summary>
/// <c>scp -t</c>: the client uploads. Reads C/D/E/T lines, writes every file atomically (a failed or aborted upload
/// leaves nothing under the target name), and rejects names that are not a single safe path segment. A file whose
/// data is complete counts as uploaded even when the client's input ends before its status byte (libssh2 never
/// sends it).
/// </summary>
internal sealed class ScpSink
{
    private readonly ScpRun _run;
    private int _errors;

    public ScpSink(ScpRun run) => _run = run;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        string display = _run.Args.Paths[0];
        string target;
        bool targetIsDirectory;
        try
        {
            target = PosixErrorText.Resolve(display, VirtualPath.Root);
            targetIsDirectory = await IsDirectoryAsync(target, ct).ConfigureAwait(false);
        }
        catch (VfsException ex)
        {
            await _run.Output.WarnAsync($"{display}: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
            return 1;
        }
        if (_run.Args.TargetMustBeDirectory && !targetIsDirectory)
        {
            await _run.Output.WarnAsync($"{display}: Not a directory", ct).ConfigureAwait(false);
            return 1;
        }
        await _run.Output.AckAsync(ct).ConfigureAwait(false);

        var directories = new Stack<(string Path, ScpTimes? Times, uint Mode)>();
        ScpTimes? times = null;
        try
        {
            while (true)
            {
                int type = await _run.Input.ReadByteAsync(ct).ConfigureAwait(false);
                if (type < 0)
                {
                    return directories.Count > 0 || _errors > 0 ? 1 : 0;
                }
                switch (type)
                {
                    case 1 or 2:
                        // The client could not read one of its files; it already told its user.
                        await _run.Input.ReadLineAsync(_run.MaxLineLength, ct).ConfigureAwait(false);
                        if (type == 2)
                        {
                            return 1;
                        }
                        _errors++;
                        break;
                    case 'T':
                        times = ScpTimes.Parse(await _run.Input.ReadLineAsync(_run.MaxLineLength, ct).ConfigureAwait(false));
                        await _run.Output.AckAsync(ct).ConfigureAwait(false);
                        break;
                    case 'E':
                        if (await _run.Input.ReadLineAsync(_run.MaxLineLength, ct).ConfigureAwait(false) != string.Empty || directories.Count == 0)
                        {
                            throw new ScpProtocolException("unexpected end of directory");
                        }
                        var done = directories.Pop();
                        // A failed SetInfo already answered with a warning in place of the ack.
                        if (!_run.Args.Preserve || done.Times is not { } dirTimes || await TrySetInfoAsync(done.Path, done.Mode, dirTimes, ct).ConfigureAwait(false))
                        {
                            await _run.Output.AckAsync(ct).ConfigureAwait(false);
                        }
                        break;
                    case 'C' or 'D':
                    {
                        var header = ScpEntryHeader.Parse(type == 'D', await _run.Input.ReadLineAsync(_run.MaxLineLength, ct).ConfigureAwait(false));
                        string path = directories.Count > 0
                            ? VirtualPath.Combine(directories.Peek().Path, header.Name)
                            : targetIsDirectory ? VirtualPath.Combine(target, header.Name) : target;
                        if (header.IsDirectory)
                        {
                            if (!_run.Args.Recursive)
                            {
                                throw new ScpProtocolException("received directory without -r");
                            }
                            if (!await EnterDirectoryAsync(path, header, ct).ConfigureAwait(false))
                            {
                                return 1;
                            }
                            directories.Push((path, times, header.Mode));
                            await _run.Output.AckAsync(ct).ConfigureAwait(false);
                        }
                        else
                        {
                            await ReceiveFileAsync(path, header, times, ct).ConfigureAwait(false);
                        }
                        times = null;
                        break;
                    }
                    default:
                        throw new ScpProtocolException("expected control record");
                }
            }
        }
        catch (ScpProtocolException ex)
        {
            CommandLog.ScpProtocolError(_run.Logger, _run.ConnectionId, ex.Message);
            await _run.Output.WarnAsync("protocol error: " + ex.Message, ct).ConfigureAwait(false);
            return 1;
        }
    }

    private async Task<bool> EnterDirectoryAsync(string path, ScpEntryHeader header, CancellationToken ct)
    {
        try
        {
            if (!await IsDirectoryAsync(path, ct).ConfigureAwait(false))
            {
                await _run.Fs.CreateDirectoryAsync(path, ct).ConfigureAwait(false);
                await _run.Fs.SetInfoAsync(path, new VfsAttributeChange { Permissions = (header.Mode & 0x1FF) | 0x1C0 }, followLinks: true, ct).ConfigureAwait(false);
            }
            return true;
        }
        catch (VfsException ex)
        {
            CommandLog.FileSystemError(_run.Logger, _run.ConnectionId, "scp mkdir", ex.Error);
            await _run.Output.WarnAsync($"{header.Name}: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
            return false;
        }
    }

    private async Task ReceiveFileAsync(string path, ScpEntryHeader header, ScpTimes? times, CancellationToken ct)
    {
        IVfsWriter writer;
        try
        {
            writer = await _run.Fs.OpenWriteAsync(path, new VfsWriteOptions { Atomic = true, Truncate = true, Permissions = header.Mode & 0x1FF }, ct).ConfigureAwait(false);
        }
        catch (VfsException ex)
        {
            // Instead of the ack: the client skips this file and goes on.
            CommandLog.FileSystemError(_run.Logger, _run.ConnectionId, "scp open", ex.Error);
            await _run.Output.WarnAsync($"{header.Name}: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
            _errors++;
            return;
        }
        bool completed = false;
        await using (writer.ConfigureAwait(false))
        {
            await _run.Output.AckAsync(ct).ConfigureAwait(false);
            VfsError? failure = null;
            await _run.Input.CopyAsync(header.Size, async chunk =>
            {
                if (failure is null)
                {
                    try
                    {
                        await writer.WriteAsync(chunk, ct).ConfigureAwait(false);
                    }
                    catch (VfsException ex)
                    {
                        // Keep draining the data so the stream stays in step; report after it.
                        failure = ex.Error;
                    }
                }
            }, ct).ConfigureAwait(false);
            // The client's status byte after the data: 0 = sent whole, 1/2 = it could not read its file. libssh2
            // (curl's scp://, PHP ssh2) never sends it and ends its input instead, after every announced byte: that
            // file is whole too, and is kept, as OpenSSH's scp -t keeps it.
            int status = await _run.Input.ReadByteAsync(ct).ConfigureAwait(false);
            if (status > 0)
            {
                await _run.Input.ReadLineAsync(_run.MaxLineLength, ct).ConfigureAwait(false);
                CommandLog.ScpUploadDiscarded(_run.Logger, _run.ConnectionId, path);
                if (status == 2)
                {
                    throw new ScpProtocolException("upload aborted by the client");
                }
                _errors++;
                return;
            }
            if (failure is null)
            {
                try
                {
                    await writer.CompleteAsync(ct).ConfigureAwait(false);
                    completed = true;
                }
                catch (VfsException ex)
                {
                    failure = ex.Error;
                }
            }
            if (failure is { } error)
            {
                CommandLog.FileSystemError(_run.Logger, _run.ConnectionId, "scp write", error);
                CommandLog.ScpUploadDiscarded(_run.Logger, _run.ConnectionId, path);
                await _run.Output.WarnAsync($"{header.Name}: {PosixErrorText.For(error)}", ct).ConfigureAwait(false);
                _errors++;
                return;
            }
        }
        if (completed)
        {
            CommandLog.ScpUploadCompleted(_run.Logger, _run.ConnectionId, path, header.Size);
            if (_run.Args.Preserve && times is { } t && !await TrySetInfoAsync(path, header.Mode, t, ct).ConfigureAwait(false))
            {
                return;
            }
            await _run.Output.AckAsync(ct).ConfigureAwait(false);
        }
    }

    // Only the permission bits: a client never gets setuid, setgid or sticky bits through -p.
    private async Task<bool> TrySetInfoAsync(string path, uint mode, ScpTimes times, CancellationToken ct)
    {
        try
        {
            await _run.Fs.SetInfoAsync(path, new VfsAttributeChange { Permissions = mode & 0x1FF, Times = (times.Accessed, times.Modified) }, followLinks: true, ct).ConfigureAwait(false);
            return true;
        }
        catch (VfsException ex)
        {
            CommandLog.FileSystemError(_run.Logger, _run.ConnectionId, "scp setinfo", ex.Error);
            await _run.Output.WarnAsync($"{VirtualPath.GetName(path)}: set times: {PosixErrorText.For(ex.Error)}", ct).ConfigureAwait(false);
            _errors++;
            return false;
        }
    }

    private async Task<bool> IsDirectoryAsync(string path, CancellationToken ct)
    {
        try
        {
            return (await _run.Fs.GetInfoAsync(path, followLinks: true, ct).ConfigureAwait(false)).Type == VfsFileType.Directory;
        }
        catch (VfsException ex) when (ex.Error == VfsError.NotFound)
        {
            return false;
        }
    }
}
