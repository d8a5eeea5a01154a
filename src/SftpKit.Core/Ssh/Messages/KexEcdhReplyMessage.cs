namespace SftpKit.Ssh.Messages;

/// <summary>
/// The server's message 31 of every single-round kex method: the host key, the server's value (string Q_S or mpint
/// f) and the signature of the exchange hash.
/// </summary>
internal readonly ref struct KexEcdhReplyMessage(ReadOnlySpan<byte> hostKey, ReadOnlySpan<byte> serverValue, ReadOnlySpan<byte> signature)
    : ISshMessage<KexEcdhReplyMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.KexEcdhReply;

    /// <summary>The host key blob K_S.</summary>
    public ReadOnlySpan<byte> HostKey { get; } = hostKey;

    /// <summary>The contents of string Q_S (or of mpint f), without the length prefix.</summary>
    public ReadOnlySpan<byte> ServerValue { get; } = serverValue;

    /// <summary>The signature blob over the exchange hash H.</summary>
    public ReadOnlySpan<byte> Signature { get; } = signature;

    public static KexEcdhReplyMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadBinary(), reader.ReadBinary(), reader.ReadBinary());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteBinary(HostKey).WriteBinary(ServerValue).WriteBinary(Signature);
}
