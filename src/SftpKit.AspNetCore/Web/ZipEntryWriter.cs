using System.IO.Compression;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.Web;

/// <summary>What the streamed zips (the WebClient's and the share links') write per entry.</summary>
internal static class ZipEntryWriter
{
    /// <summary>Zip stores DOS times, 1980 to 2107: a time outside is clamped to 1981 or 2106.</summary>
    public static DateTimeOffset ZipTime(DateTimeOffset time) =>
        time.Year < 1981 ? new DateTimeOffset(1981, 1, 1, 0, 0, 0, TimeSpan.Zero) : time.Year > 2106 ? new DateTimeOffset(2106, 1, 1, 0, 0, 0, TimeSpan.Zero) : time;

    /// <summary>
    /// Adds <paramref name="reader"/>'s file as entry <paramref name="name"/>, copied through <paramref name="buffer"/>;
    /// what the archive queued synchronously is sent on once it passes <see cref="ZipResponseStream.DrainThreshold"/>.
    /// </summary>
    public static async Task CopyFileAsync(ZipArchive archive, ZipResponseStream sink, IVfsReader reader, string name, DateTimeOffset modified,
        Memory<byte> buffer, CancellationToken ct)
    {
        var item = archive.CreateEntry(name, CompressionLevel.Fastest);
        item.LastWriteTime = ZipTime(modified);
        await using var output = await item.OpenAsync(ct);
        long offset = 0;
        int read;
        while ((read = await reader.ReadAsync(offset, buffer, ct)) > 0)
        {
            await output.WriteAsync(buffer[..read], ct);
            offset += read;
            if (sink.Pending >= ZipResponseStream.DrainThreshold)
            {
                await sink.DrainAsync(ct);
            }
        }
    }
}
