namespace SftpKit.Ssh.Messages;

/// <summary>
/// The client's message 30 of every single-round kex method (SSH_MSG_KEXDH_INIT, KEX_ECDH_INIT, KEX_HYBRID_INIT):
/// one string or mpint, its client value. Trailing data is a protocol error.
/// </summary>
internal readonly ref struct KexEcdhInitMessage(ReadOnlySpan<byte> clientValue) : ISshMessage<KexEcdhInitMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.KexEcdhInit;

    /// <summary>The contents of string Q_C (or of mpint e), without the length prefix.</summary>
    public ReadOnlySpan<byte> ClientValue { get; } = clientValue;

    public static KexEcdhInitMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        var clientValue = reader.ReadBinary();
        if (!reader.End)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Trailing data in key exchange message.");
        }
        return new(clientValue);
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteBinary(ClientValue);
}
