namespace SftpKit.Ssh.Messages;

/// <summary>
/// SSH_MSG_USERAUTH_REQUEST (RFC 4252 §5): user, service and method, then the method's own fields, left as
/// <see cref="MethodFields"/> for <see cref="UserAuthPasswordFields"/>, <see cref="UserAuthPublicKeyFields"/> or
/// <see cref="UserAuthKeyboardInteractiveFields"/> to read.
/// </summary>
internal readonly ref struct UserAuthRequestMessage(string userName, string serviceName, string methodName, ReadOnlySpan<byte> methodFields)
    : ISshMessage<UserAuthRequestMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.UserAuthRequest;

    public string UserName { get; } = userName;

    public string ServiceName { get; } = serviceName;

    public string MethodName { get; } = methodName;

    /// <summary>The rest of the message: the fields of <see cref="MethodName"/>.</summary>
    public ReadOnlySpan<byte> MethodFields { get; } = methodFields;

    public static UserAuthRequestMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.RemainingSpan);
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteString(UserName).WriteString(ServiceName).WriteString(MethodName).WriteRaw(MethodFields);
}
