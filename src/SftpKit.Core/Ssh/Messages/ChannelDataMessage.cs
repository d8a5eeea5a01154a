using System.Buffers.Binary;

namespace SftpKit.Ssh.Messages;

/// <summary>
/// SSH_MSG_CHANNEL_DATA (RFC 4254 §5.2). The hot path of every transfer: reading views the payload, and the sender
/// writes only the <see cref="HeaderLength"/>-byte header in front of data it already placed in a pooled buffer.
/// </summary>
internal readonly ref struct ChannelDataMessage(uint recipientChannel, ReadOnlySpan<byte> data) : ISshMessage<ChannelDataMessage>
{
    /// <summary>Message number, recipient channel and the data's length prefix.</summary>
    public const int HeaderLength = 9;

    public static SshMessageNumber Number => SshMessageNumber.ChannelData;

    public uint RecipientChannel { get; } = recipientChannel;

    public ReadOnlySpan<byte> Data { get; } = data;

    public static ChannelDataMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadUInt32(), reader.ReadBinary());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(RecipientChannel).WriteBinary(Data);

    /// <summary>Writes the header of a message carrying <paramref name="dataLength"/> bytes, which follow it in <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, uint recipientChannel, int dataLength)
    {
        destination[0] = (byte)SshMessageNumber.ChannelData;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], recipientChannel);
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)dataLength);
    }
}
