using System.Security.Cryptography;

namespace SftpKit.Ssh.Messages;

/// <summary>SSH_MSG_KEXINIT (RFC 4253 §7.1). The raw payload is kept because it enters the exchange hash.</summary>
internal sealed class KexInitMessage : ISshMessage<KexInitMessage>
{
    public static SshMessageNumber Number => SshMessageNumber.KexInit;

    /// <summary>The payload this message was read from (empty for one built to be written).</summary>
    public byte[] Payload { get; init; } = [];
    public required byte[] Cookie { get; init; }
    public required string[] KexAlgorithms { get; init; }
    public required string[] HostKeyAlgorithms { get; init; }
    public required string[] CiphersClientToServer { get; init; }
    public required string[] CiphersServerToClient { get; init; }
    public required string[] MacsClientToServer { get; init; }
    public required string[] MacsServerToClient { get; init; }
    public required string[] CompressionClientToServer { get; init; }
    public required string[] CompressionServerToClient { get; init; }
    public string[] LanguagesClientToServer { get; init; } = [];
    public string[] LanguagesServerToClient { get; init; } = [];
    public bool FirstKexPacketFollows { get; init; }

    public static KexInitMessage Read(ReadOnlySpan<byte> payload)
    {
        var reader = SshReader.ForMessage(payload, Number);
        var message = new KexInitMessage
        {
            Payload = payload.ToArray(),
            Cookie = reader.ReadBytes(16).ToArray(),
            KexAlgorithms = reader.ReadNameList(),
            HostKeyAlgorithms = reader.ReadNameList(),
            CiphersClientToServer = reader.ReadNameList(),
            CiphersServerToClient = reader.ReadNameList(),
            MacsClientToServer = reader.ReadNameList(),
            MacsServerToClient = reader.ReadNameList(),
            CompressionClientToServer = reader.ReadNameList(),
            CompressionServerToClient = reader.ReadNameList(),
            LanguagesClientToServer = reader.ReadNameList(),
            LanguagesServerToClient = reader.ReadNameList(),
            FirstKexPacketFollows = reader.ReadBoolean(),
        };
        reader.ReadUInt32(); // reserved
        return message;
    }

    public void Write(SshWriter writer)
    {
        writer.WriteMessage(Number).WriteRaw(Cookie)
            .WriteNameList(KexAlgorithms)
            .WriteNameList(HostKeyAlgorithms)
            .WriteNameList(CiphersClientToServer)
            .WriteNameList(CiphersServerToClient)
            .WriteNameList(MacsClientToServer)
            .WriteNameList(MacsServerToClient)
            .WriteNameList(CompressionClientToServer)
            .WriteNameList(CompressionServerToClient)
            .WriteNameList(LanguagesClientToServer)
            .WriteNameList(LanguagesServerToClient)
            .WriteBoolean(FirstKexPacketFollows)
            .WriteUInt32(0);
    }

    /// <summary>Our KEXINIT payload: a fresh random cookie, the same ciphers and MACs both ways, no compression.</summary>
    public static byte[] Build(IEnumerable<string> kex, IEnumerable<string> hostKeys, IEnumerable<string> ciphers, IEnumerable<string> macs)
    {
        string[] cipherList = [.. ciphers];
        string[] macList = [.. macs];
        var message = new KexInitMessage
        {
            Cookie = RandomNumberGenerator.GetBytes(16),
            KexAlgorithms = [.. kex],
            HostKeyAlgorithms = [.. hostKeys],
            CiphersClientToServer = cipherList,
            CiphersServerToClient = cipherList,
            MacsClientToServer = macList,
            MacsServerToClient = macList,
            CompressionClientToServer = ["none"],
            CompressionServerToClient = ["none"],
        };
        using var writer = new SshWriter(1024);
        message.Write(writer);
        return writer.ToArray();
    }
}
