using System.Buffers.Binary;

namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_CHANNEL_EXTENDED_DATA (RFC 4254 §5.2): data of another stream, type 1 being stderr.</summary>
internal readonly ref struct ChannelExtendedDataMessage(uint recipientChannel, uint dataTypeCode, ReadOnlySpan<byte> data) : ISshMessage<ChannelExtendedDataMessage>
{
    /// <summary>Message number, recipient channel, data type code and the data's length prefix.</summary>
    public const int HeaderLength = 13;

    /// <summary>SSH_EXTENDED_DATA_STDERR.</summary>
    public const uint Stderr = 1;

    public static SshMessageNumber Number => SshMessageNumber.ChannelExtendedData;

    public uint RecipientChannel { get; } = recipientChannel;

    public uint DataTypeCode { get; } = dataTypeCode;

    public ReadOnlySpan<byte> Data { get; } = data;

    public static ChannelExtendedDataMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        return new(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadBinary());
    }

    public void Write(SshWriter writer) => writer.WriteMessage(Number).WriteUInt32(RecipientChannel).WriteUInt32(DataTypeCode).WriteBinary(Data);

    /// <summary>Writes the header of a message carrying <paramref name="dataLength"/> bytes, which follow it in <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, uint recipientChannel, uint dataTypeCode, int dataLength)
    {
        destination[0] = (byte)SshMessageNumber.ChannelExtendedData;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], recipientChannel);
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], dataTypeCode);
        BinaryPrimitives.WriteUInt32BigEndian(destination[9..], (uint)dataLength);
    }
}
