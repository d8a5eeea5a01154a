namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_USERAUTH_INFO_REQUEST (RFC 4256 §3.2): one round of keyboard-interactive prompts.</summary>
internal readonly record struct UserAuthInfoRequestMessage(string Name, string Instruction, IReadOnlyList<UserAuthInfoPrompt> Prompts, string Language = "")
    : ISshMessage<UserAuthInfoRequestMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.UserAuthInfoRequest;

    public static UserAuthInfoRequestMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        string name = reader.ReadString();
        string instruction = reader.ReadString();
        string language = reader.ReadString();
        int count = reader.ReadCount(minimumItemLength: 5); // a string and the echo flag
        var prompts = new UserAuthInfoPrompt[count];
        for (int i = 0; i < prompts.Length; i++)
        {
            prompts[i] = new(reader.ReadString(), reader.ReadBoolean());
        }
        return new(name, instruction, prompts, language);
    }

    public void Write(SshWriter writer)
    {
        writer.WriteMessage(Number).WriteString(Name).WriteString(Instruction).WriteString(Language).WriteUInt32((uint)Prompts.Count);
        foreach (var prompt in Prompts)
        {
            writer.WriteString(prompt.Text).WriteBoolean(prompt.Echo);
        }
    }
}

/// <summary>One prompt of an INFO_REQUEST: its text and whether the client may echo the answer.</summary>
internal readonly record struct UserAuthInfoPrompt(string Text, bool Echo);
