namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_EXT_INFO (RFC 8308 §2.3): extension names and values, sent once after the first NEWKEYS.</summary>
internal readonly record struct ExtInfoMessage(IReadOnlyList<KeyValuePair<string, string>> Extensions) : ISshMessage<ExtInfoMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.ExtInfo;

    public static ExtInfoMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        int count = reader.ReadCount(minimumItemLength: 8); // two strings
        var extensions = new KeyValuePair<string, string>[count];
        for (int i = 0; i < extensions.Length; i++)
        {
            extensions[i] = new(reader.ReadString(), reader.ReadString());
        }
        return new(extensions);
    }

    public void Write(SshWriter writer)
    {
        writer.WriteMessage(Number).WriteUInt32((uint)Extensions.Count);
        foreach (var (name, value) in Extensions)
        {
            writer.WriteString(name).WriteString(value);
        }
    }
}
