namespace SftpKit.Sftp;

/// <summary>
/// The client broke the SFTP framing or sent an undecodable packet. Like OpenSSH's sftp-server, the session ends:
/// a peer that cannot frame packets cannot be answered reliably.
/// </summary>
internal sealed class SftpProtocolException : Exception
{
    public SftpProtocolException(string message)
        : base(message)
    {
    }
}
