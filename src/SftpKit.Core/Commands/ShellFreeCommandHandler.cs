using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Commands;

/// <summary>
/// The handful of commands tools run over exec without needing a shell: <c>md5sum</c>, <c>sha1sum</c>,
/// <c>sha256sum</c>, <c>sha384sum</c>, <c>sha512sum</c> (GNU coreutils output; no argument or <c>-</c> hashes stdin),
/// <c>pwd</c>, <c>cd</c> and <c>echo</c> (rclone's probes), optionally joined by <c>&amp;&amp;</c>. Paths are
/// virtual, resolved against the account root through the same file system the SFTP subsystem uses. Command
/// lines that need a shell are refused with exit status 127.
/// </summary>
internal sealed class ShellFreeCommandHandler(ISftpFileSystemProvider fileSystems, ILogger<ShellFreeCommandHandler> logger) : ISshCommandHandler
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly System.Buffers.SearchValues<char> WordEnd = System.Buffers.SearchValues.Create(" \t;|&<>");
    private static readonly string[] Names = ["md5sum", "sha1sum", "sha256sum", "sha384sum", "sha512sum", "pwd", "cd", "echo"];

    private readonly ISftpFileSystemProvider _fileSystems = fileSystems;
    private readonly ILogger _logger = logger;

    public bool CanExecute(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        string first = FirstWord(command);
        return Array.IndexOf(Names, first) >= 0;
    }

    public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(command);
        CommandLog.CommandStarted(_logger, context.ConnectionId, FirstWord(command));
        if (!ShellWords.TryParse(command, out var commands, out string? error))
        {
            CommandLog.CommandRefused(_logger, context.ConnectionId, error!);
            await WriteAsync(context.Error, $"sftpkit: {error} (there is no shell)\n", cancellationToken).ConfigureAwait(false);
            return 127;
        }
        foreach (var words in commands)
        {
            if (Array.IndexOf(Names, words[0]) < 0)
            {
                CommandLog.CommandRefused(_logger, context.ConnectionId, "unknown command in list");
                await WriteAsync(context.Error, $"sftpkit: {words[0]}: command not found\n", cancellationToken).ConfigureAwait(false);
                return 127;
            }
        }

        IVirtualFileSystem? fs = null;
        string cwd = VirtualPath.Root;
        int status = 0;
        foreach (var words in commands)
        {
            if (words[0] is not ("echo" or "pwd") && fs is null)
            {
                try
                {
                    fs = await _fileSystems.GetFileSystemAsync(context, SftpKit.Events.SftpEventProtocol.Ssh, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    CommandLog.FileSystemUnavailable(_logger, context.ConnectionId, ex);
                    await WriteAsync(context.Error, $"{words[0]}: file system unavailable\n", cancellationToken).ConfigureAwait(false);
                    return 1;
                }
            }
            switch (words[0])
            {
                case "echo":
                    status = await EchoAsync(context, words, cancellationToken).ConfigureAwait(false);
                    break;
                case "pwd":
                    await WriteAsync(context.Output, cwd + "\n", cancellationToken).ConfigureAwait(false);
                    status = 0;
                    break;
                case "cd":
                    (status, cwd) = await ChangeDirectoryAsync(context, fs!, words, cwd, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    status = await HashAsync(context, fs!, words, cwd, cancellationToken).ConfigureAwait(false);
                    break;
            }
            if (status != 0)
            {
                break;
            }
        }
        return status;
    }

    private static async Task<int> EchoAsync(SshChannelContext context, List<string> words, CancellationToken ct)
    {
        bool newline = true;
        int first = 1;
        if (words.Count > 1 && words[1] == "-n")
        {
            newline = false;
            first = 2;
        }
        string text = string.Join(' ', words.Skip(first)) + (newline ? "\n" : string.Empty);
        await WriteAsync(context.Output, text, ct).ConfigureAwait(false);
        return 0;
    }

    private async Task<(int Status, string Cwd)> ChangeDirectoryAsync(SshChannelContext context, IVirtualFileSystem fs, List<string> words, string cwd, CancellationToken ct)
    {
        if (words.Count > 2)
        {
            await WriteAsync(context.Error, "cd: too many arguments\n", ct).ConfigureAwait(false);
            return (1, cwd);
        }
        if (words.Count == 1)
        {
            return (0, VirtualPath.Root);
        }
        try
        {
            string target = PosixErrorText.Resolve(words[1], cwd);
            var info = await fs.GetInfoAsync(target, followLinks: true, ct).ConfigureAwait(false);
            if (info.Type != VfsFileType.Directory)
            {
                throw new VfsException(VfsError.NotADirectory, "Not a directory.");
            }
            return (0, target);
        }
        catch (VfsException ex)
        {
            CommandLog.FileSystemError(_logger, context.ConnectionId, "cd", ex.Error);
            await WriteAsync(context.Error, $"cd: {words[1]}: {PosixErrorText.For(ex.Error)}\n", ct).ConfigureAwait(false);
            return (1, cwd);
        }
    }

    private async Task<int> HashAsync(SshChannelContext context, IVirtualFileSystem fs, List<string> words, string cwd, CancellationToken ct)
    {
        string name = words[0];
        HashAlgorithmName algorithm = FileHasher.AlgorithmFor(name)!.Value;
        var paths = new List<string>();
        bool endOfOptions = false;
        foreach (string arg in words.Skip(1))
        {
            if (!endOfOptions && arg == "--")
            {
                endOfOptions = true;
            }
            else if (!endOfOptions && arg.Length > 1 && arg[0] == '-')
            {
                // Only the default (text, untagged) output exists; --check and friends are not offered.
                await WriteAsync(context.Error, $"{name}: unsupported option '{arg}'\n", ct).ConfigureAwait(false);
                return 1;
            }
            else
            {
                paths.Add(arg);
            }
        }
        if (paths.Count == 0)
        {
            paths.Add("-");
        }
        int status = 0;
        foreach (string path in paths)
        {
            byte[] digest;
            try
            {
                digest = path == "-"
                    ? await FileHasher.HashStreamAsync(context.Input, algorithm, ct).ConfigureAwait(false)
                    : await FileHasher.HashFileAsync(fs, PosixErrorText.Resolve(path, cwd), algorithm, ct).ConfigureAwait(false);
            }
            catch (VfsException ex)
            {
                CommandLog.FileSystemError(_logger, context.ConnectionId, name, ex.Error);
                await WriteAsync(context.Error, $"{name}: {path}: {PosixErrorText.For(ex.Error)}\n", ct).ConfigureAwait(false);
                status = 1;
                continue;
            }
            await WriteAsync(context.Output, FileHasher.FormatLine(digest, path), ct).ConfigureAwait(false);
        }
        return status;
    }

    private static string FirstWord(string command)
    {
        var span = command.AsSpan().TrimStart(" \t");
        int end = span.IndexOfAny(WordEnd);
        return (end < 0 ? span : span[..end]).ToString();
    }

    private static ValueTask WriteAsync(Stream stream, string text, CancellationToken ct)
        => stream.WriteAsync(Utf8.GetBytes(text), ct);
}
