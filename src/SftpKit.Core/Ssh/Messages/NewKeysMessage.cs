namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_NEWKEYS (RFC 4253 §7.3): the keys just exchanged take over from the next packet on.</summary>
internal readonly record struct NewKeysMessage : ISshMessage<NewKeysMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.NewKeys;

    public static NewKeysMessage Read(ReadOnlySpan<byte> payload)
    {
        SshReader.ForMessage(payload, Number);
        return default;
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number);
}
