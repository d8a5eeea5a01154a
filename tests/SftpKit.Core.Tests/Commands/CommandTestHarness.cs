using System.Text;
using SftpKit.FileSystem;
using SftpKit.Sftp;

using SftpKit.Commands;

namespace SftpKit.Tests.Commands;

/// <summary>Runs an <see cref="ISshCommandHandler"/> over in-memory streams and an in-memory file system.</summary>
internal sealed class CommandTestHarness
{
    public InMemoryFileSystem Fs { get; } = new();

    public ISftpFileSystemProvider Provider => new FixedProvider(Fs);

    public async Task WriteFileAsync(string path, byte[] content)
    {
        await using var writer = await Fs.OpenWriteAsync(path, new VfsWriteOptions(), default);
        await writer.WriteAsync(content, default);
        await writer.CompleteAsync(default);
    }

    public async Task<byte[]> ReadFileAsync(string path)
    {
        await using var reader = await Fs.OpenReadAsync(path, default);
        var result = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await reader.ReadAsync(result.Length, buffer, default)) > 0)
        {
            result.Write(buffer, 0, read);
        }
        return result.ToArray();
    }

    public async Task<bool> ExistsAsync(string path)
    {
        try
        {
            await Fs.GetInfoAsync(path, followLinks: false, default);
            return true;
        }
        catch (VfsException ex) when (ex.Error == VfsError.NotFound)
        {
            return false;
        }
    }

    public static async Task<Run> RunAsync(ISshCommandHandler handler, string command, byte[]? input = null)
    {
        Assert.True(handler.CanExecute(command), command);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var context = new SshChannelContext(new SshPrincipal("u"), null, "test", new MemoryStream(input ?? []), stdout, stderr);
        int status = await handler.ExecuteAsync(context, command, default);
        return new Run(status, stdout.ToArray(), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public sealed record Run(int Status, byte[] Output, string Error)
    {
        public string Text => Encoding.UTF8.GetString(Output);
    }

    private sealed class FixedProvider(IVirtualFileSystem fs) : ISftpFileSystemProvider
    {
        public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct) => ValueTask.FromResult(fs);
    }
}
