namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_USERAUTH_INFO_RESPONSE (RFC 4256 §3.4): one answer per prompt of the last INFO_REQUEST.</summary>
internal readonly record struct UserAuthInfoResponseMessage(IReadOnlyList<string> Responses) : ISshMessage<UserAuthInfoResponseMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.UserAuthInfoResponse;

    public static UserAuthInfoResponseMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        int count = reader.ReadCount(minimumItemLength: 4); // one string
        var responses = new string[count];
        for (int i = 0; i < responses.Length; i++)
        {
            responses[i] = reader.ReadString();
        }
        return new(responses);
    }

    public void Write(SshWriter writer)
    {
        writer.WriteMessage(Number).WriteUInt32((uint)Responses.Count);
        foreach (var response in Responses)
        {
            writer.WriteString(response);
        }
    }
}
