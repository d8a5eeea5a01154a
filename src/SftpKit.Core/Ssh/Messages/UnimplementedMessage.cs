namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_UNIMPLEMENTED (RFC 4253 §11.4): the answer to a message number the receiver does not know.</summary>
internal readonly record struct UnimplementedMessage(uint SequenceNumber) : ISshMessage<UnimplementedMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.Unimplemented;

    public static UnimplementedMessage Read(ReadOnlySpan<byte> payload) => new(SshReader.ForMessage(payload, Number).ReadUInt32());

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(SequenceNumber);
}
