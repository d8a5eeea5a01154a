namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1).</summary>
internal readonly record struct ChannelOpenFailureMessage(uint RecipientChannel, ChannelOpenFailureReason Reason, string Description, string Language = "")
    : ISshMessage<ChannelOpenFailureMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ChannelOpenFailure;

    public static ChannelOpenFailureMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadUInt32(), (ChannelOpenFailureReason)reader.ReadUInt32(), reader.ReadString(), reader.ReadString());
    }

    public void Write(SshWriter writer)
        => writer.WriteMessage(Number).WriteUInt32(RecipientChannel).WriteUInt32((uint)Reason).WriteString(Description).WriteString(Language);
}

/// <summary>Reason codes of CHANNEL_OPEN_FAILURE (RFC 4254 §5.1).</summary>
internal enum ChannelOpenFailureReason : uint
{
    AdministrativelyProhibited = 1,
    ConnectFailed = 2,
    UnknownChannelType = 3,
    ResourceShortage = 4,
}
