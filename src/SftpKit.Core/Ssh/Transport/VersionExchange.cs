using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// The identification string exchange (RFC 4253 §4.2). The client's line must be the first it sends, start with
/// <c>SSH-2.0-</c> (or <c>SSH-1.99-</c>), contain only printable ASCII and end in CR LF (a bare LF is tolerated, as
/// OpenSSH does) within <c>maxLineLength</c> bytes including the terminator.
/// </summary>
internal static class VersionExchange
{
    public static async ValueTask<string> ReadClientVersionAsync(PipeReader reader, int maxLineLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParseLine(ref buffer, maxLineLength, out string? version))
            {
                reader.AdvanceTo(buffer.Start);
                return version!;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new SshProtocolException(SshDisconnectReason.ConnectionLost, "Connection closed during version exchange.");
            }
        }
    }

    /// <summary>Parses the client's identification line; false when more bytes are needed.</summary>
    internal static bool TryParseLine(ref ReadOnlySequence<byte> buffer, int maxLineLength, out string? version)
    {
        version = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (buffer.Length >= maxLineLength)
            {
                throw new SshProtocolException(SshDisconnectReason.ProtocolVersionNotSupported, "Identification line too long.");
            }
            if (buffer.Length >= 4 && !StartsWithSsh(buffer))
            {
                throw new SshProtocolException(SshDisconnectReason.ProtocolVersionNotSupported, "Invalid identification string.");
            }
            return false;
        }
        if (line.Length + 1 > maxLineLength)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolVersionNotSupported, "Identification line too long.");
        }
        Span<byte> bytes = stackalloc byte[(int)line.Length];
        line.CopyTo(bytes);
        if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }
        if (bytes.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) >= 0)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolVersionNotSupported, "Invalid identification string.");
        }
        string text = Encoding.ASCII.GetString(bytes);
        if (!text.StartsWith("SSH-2.0-", StringComparison.Ordinal) && !text.StartsWith("SSH-1.99-", StringComparison.Ordinal))
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolVersionNotSupported, "Protocol version not supported.");
        }
        version = text;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool StartsWithSsh(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(head);
        return head.SequenceEqual("SSH-"u8);
    }
}
