using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Server;

/// <summary><c>--stdio-sftp ROOT</c>: one SFTP session on stdin/stdout (for <c>sftp -D</c>), no SSH, then exit.</summary>
internal static class StdioSftp
{
    public static async Task<int> RunAsync(string root)
    {
        IVirtualFileSystem fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = Path.GetFullPath(root) });
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        return await SftpServerStdio.RunAsync(fs, input, output, options: null, CancellationToken.None);
    }
}
