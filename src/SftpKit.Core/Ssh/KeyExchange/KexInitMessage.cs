using System.Security.Cryptography;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>SSH_MSG_KEXINIT (RFC 4253 §7.1). The raw payload is kept because it enters the exchange hash.</summary>
internal sealed class KexInitMessage
{
    public required byte[] Payload { get; init; }
    public required string[] KexAlgorithms { get; init; }
    public required string[] HostKeyAlgorithms { get; init; }
    public required string[] CiphersClientToServer { get; init; }
    public required string[] CiphersServerToClient { get; init; }
    public required string[] MacsClientToServer { get; init; }
    public required string[] MacsServerToClient { get; init; }
    public required string[] CompressionClientToServer { get; init; }
    public required string[] CompressionServerToClient { get; init; }
    public bool FirstKexPacketFollows { get; init; }

    public static KexInitMessage Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        if (reader.ReadByte() != (byte)SshMessageNumber.KexInit)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Expected KEXINIT.");
        }
        reader.ReadBytes(16);
        var message = new KexInitMessage
        {
            Payload = payload.ToArray(),
            KexAlgorithms = reader.ReadNameList(),
            HostKeyAlgorithms = reader.ReadNameList(),
            CiphersClientToServer = reader.ReadNameList(),
            CiphersServerToClient = reader.ReadNameList(),
            MacsClientToServer = reader.ReadNameList(),
            MacsServerToClient = reader.ReadNameList(),
            CompressionClientToServer = reader.ReadNameList(),
            CompressionServerToClient = reader.ReadNameList(),
            FirstKexPacketFollows = SkipLanguagesThenReadFollows(ref reader),
        };
        reader.ReadUInt32();
        return message;
    }

    private static bool SkipLanguagesThenReadFollows(ref SshReader reader)
    {
        reader.ReadNameList();
        reader.ReadNameList();
        return reader.ReadBoolean();
    }

    public static byte[] Build(IEnumerable<string> kex, IEnumerable<string> hostKeys, IEnumerable<string> ciphers, IEnumerable<string> macs)
    {
        using var writer = new SshWriter(1024);
        writer.WriteMessage(SshMessageNumber.KexInit);
        Span<byte> cookie = stackalloc byte[16];
        RandomNumberGenerator.Fill(cookie);
        writer.WriteRaw(cookie);
        writer.WriteNameList(kex);
        writer.WriteNameList(hostKeys);
        writer.WriteNameList(ciphers);
        writer.WriteNameList(ciphers);
        writer.WriteNameList(macs);
        writer.WriteNameList(macs);
        writer.WriteString("none");
        writer.WriteString("none");
        writer.WriteString(string.Empty);
        writer.WriteString(string.Empty);
        writer.WriteBoolean(false);
        writer.WriteUInt32(0);
        return writer.ToArray();
    }

    /// <summary>The first client algorithm the server also supports (RFC 4253 §7.1), or null.</summary>
    public static string? Negotiate(string[] client, IEnumerable<string> server)
    {
        var serverSet = server as ICollection<string> ?? server.ToList();
        foreach (var name in client)
        {
            if (serverSet.Contains(name))
            {
                return name;
            }
        }
        return null;
    }
}
