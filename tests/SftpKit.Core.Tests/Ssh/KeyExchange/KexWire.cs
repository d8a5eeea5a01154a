using System.Numerics;
using SftpKit.Ssh;

namespace SftpKit.Tests.Ssh.KeyExchange;

/// <summary>Decodes what a kex method hands the transport, so tests check the wire shape independently of the code.</summary>
internal static class KexWire
{
    public static byte[] ReadSingleString(byte[] encoded)
    {
        var reader = new SshReader(encoded);
        byte[] value = reader.ReadBinary().ToArray();
        Assert.True(reader.End, "trailing bytes after string");
        return value;
    }

    /// <summary>Splits a HashTail of the form string Q_C || string Q_S || K, where K is one string or mpint.</summary>
    public static (byte[] Client, byte[] Server, byte[] SecretEncoded) ReadTail(byte[] tail)
    {
        var reader = new SshReader(tail);
        byte[] client = reader.ReadBinary().ToArray();
        byte[] server = reader.ReadBinary().ToArray();
        int secretStart = reader.Position;
        reader.ReadBinary();
        Assert.True(reader.End, "trailing bytes after K");
        return (client, server, tail[secretStart..]);
    }

    /// <summary>mpint of an unsigned big-endian value, computed via System.Numerics rather than SshWriter's helper.</summary>
    public static byte[] MpintOfUnsigned(ReadOnlySpan<byte> magnitude)
    {
        var value = new BigInteger(magnitude, isUnsigned: true, isBigEndian: true);
        if (value.IsZero)
        {
            return [0, 0, 0, 0];
        }
        byte[] body = value.ToByteArray(isUnsigned: false, isBigEndian: true);
        byte[] result = new byte[4 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result, (uint)body.Length);
        body.CopyTo(result, 4);
        return result;
    }

    public static byte[] SshString(ReadOnlySpan<byte> value)
    {
        byte[] result = new byte[4 + value.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result, (uint)value.Length);
        value.CopyTo(result.AsSpan(4));
        return result;
    }

    public static void AssertKexFailed(Action action)
    {
        var ex = Assert.Throws<SshProtocolException>(action);
        Assert.Equal(SshDisconnectReason.KeyExchangeFailed, ex.Reason);
    }
}
