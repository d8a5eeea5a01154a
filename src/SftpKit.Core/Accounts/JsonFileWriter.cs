using System.Text.Json;

namespace SftpKit.Accounts;

/// <summary>
/// Writes a JSON store's whole document the way every file store here does: to a temporary file beside the target,
/// created owner-only (mode 0600 on Unix) and flushed to disk, then renamed over the target, so a crash leaves the old
/// file or the new one and never half of either. The caller serializes its writers.
/// </summary>
internal static class JsonFileWriter
{
    public static Task WriteAtomicallyAsync<T>(string path, T document, JsonSerializerOptions options) =>
        WriteAtomicallyAsync(path, (stream, ct) => JsonSerializer.SerializeAsync(stream, document, options, ct), CancellationToken.None);

    /// <summary>The same atomic write, with <paramref name="write"/> producing the content.</summary>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        string temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            await using (var stream = new FileStream(temp, fileOptions))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
