using System.Text;

namespace SftpKit.Scp;

/// <summary>What the server side writes in the rcp protocol: acks, warnings (<c>\x01</c>), fatal errors (<c>\x02</c>) and lines.</summary>
internal sealed class ScpOutput
{
    private static readonly byte[] Zero = [0];
    private readonly Stream _stream;

    public ScpOutput(Stream stream) => _stream = stream;

    public ValueTask AckAsync(CancellationToken ct) => _stream.WriteAsync(Zero, ct);

    /// <summary>A non-fatal error the client prints; the transfer goes on.</summary>
    public ValueTask WarnAsync(string message, CancellationToken ct) => LineAsync("\u0001scp: " + Clean(message) + "\n", ct);

    /// <summary>A fatal error: the client prints it and stops.</summary>
    public ValueTask FatalAsync(string message, CancellationToken ct) => LineAsync("\u0002scp: " + Clean(message) + "\n", ct);

    public ValueTask LineAsync(string line, CancellationToken ct) => _stream.WriteAsync(Encoding.UTF8.GetBytes(line), ct);

    public ValueTask DataAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => _stream.WriteAsync(data, ct);

    // A message is one line: names that came from the client must not smuggle newlines or control bytes back.
    private static string Clean(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (char c in message)
        {
            builder.Append(c < ' ' || c == '\u007f' ? '?' : c);
        }
        return builder.ToString();
    }
}
