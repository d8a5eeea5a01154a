namespace SftpKit.Ssh;

/// <summary>
/// A protocol violation by the peer. The connection's single catch ladder turns it into SSH_MSG_DISCONNECT with
/// <see cref="Reason"/>; <see cref="Exception.Message"/> goes to the log and, being generic, may go to the client.
/// </summary>
internal sealed class SshProtocolException : Exception
{
    public SshProtocolException(SshDisconnectReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public SshDisconnectReason Reason { get; }
}
