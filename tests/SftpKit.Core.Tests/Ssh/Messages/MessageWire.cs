using SftpKit.Ssh;
using SftpKit.Ssh.Messages;

namespace SftpKit.Tests.Ssh.Messages;

/// <summary>Writes messages to bytes and checks how their readers treat cut and foreign payloads.</summary>
internal static class MessageWire
{
    /// <summary>The payload of <paramref name="message"/>, checked to start with its number.</summary>
    public static byte[] Write<T>(T message)
        where T : ISshMessage<T>, allows ref struct
    {
        using var writer = new SshWriter();
        message.Write(writer);
        var payload = writer.ToArray();
        Assert.Equal((byte)T.Number, payload[0]);
        return payload;
    }

    /// <summary>Every strict prefix of <paramref name="payload"/> (a message whose last field is fixed) is a protocol error.</summary>
    public static void AssertEveryTruncationRejected<T>(byte[] payload)
        where T : ISshMessage<T>, allows ref struct
    {
        for (int length = 0; length < payload.Length; length++)
        {
            Assert.True(Rejects<T>(payload.AsSpan(0, length)), $"{typeof(T).Name} accepted {length} of its {payload.Length} bytes");
        }
    }

    /// <summary>The payload with another message number is a protocol error.</summary>
    public static void AssertOtherNumberRejected<T>(byte[] payload)
        where T : ISshMessage<T>, allows ref struct
    {
        byte[] other = [.. payload];
        other[0] = (byte)(other[0] == (byte)SshMessageNumber.Ignore ? SshMessageNumber.Debug : SshMessageNumber.Ignore);
        Assert.True(Rejects<T>(other), $"{typeof(T).Name} read a message numbered {other[0]}");
    }

    /// <summary>Both checks, for a payload whose last field is fixed.</summary>
    public static void AssertMalformedRejected<T>(byte[] payload)
        where T : ISshMessage<T>, allows ref struct
    {
        AssertEveryTruncationRejected<T>(payload);
        AssertOtherNumberRejected<T>(payload);
    }

    private static bool Rejects<T>(ReadOnlySpan<byte> payload)
        where T : ISshMessage<T>, allows ref struct
    {
        try
        {
            _ = T.Read(payload);
            return false;
        }
        catch (SshProtocolException ex)
        {
            Assert.Equal(SshDisconnectReason.ProtocolError, ex.Reason);
            return true;
        }
    }

    public static byte[] U32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
