namespace SftpKit.Ssh.Messages;

/// <summary>
/// One SSH message type (RFC 4250 §4.1), one struct per message as Npgsql's BackendMessages: <see cref="Read"/> parses a
/// whole payload (its message number included) and <see cref="Write"/> appends one. Span-holding messages are ref
/// structs that view the payload they were read from, so reading them allocates nothing.
/// </summary>
/// <typeparam name="TSelf">The message type itself.</typeparam>
internal interface ISshMessage<TSelf>
    where TSelf : ISshMessage<TSelf>, allows ref struct
{
    /// <summary>The message number, the first byte of the payload.</summary>
    static abstract SshMessageNumber Number { get; }

    /// <summary>
    /// Parses <paramref name="payload"/>; throws <see cref="SshProtocolException"/> (ProtocolError) when it is another
    /// message, truncated or malformed. Bytes after the last field are left unread, as RFC 4253 §6 allows for
    /// extensibility, except where the message says otherwise.
    /// </summary>
    static abstract TSelf Read(ReadOnlySpan<byte> payload);

    /// <summary>Appends the whole message, its number first.</summary>
    void Write(SshWriter writer);
}
