using System.Buffers.Binary;
using SftpKit.Ssh.Transport;

namespace SftpKit.Tests.Ssh.Transport;

/// <summary>One negotiated cipher×MAC pair with deterministic keys, able to make matching sealer/opener pairs.</summary>
public sealed record CipherSuite(string Cipher, string? Mac)
{
    public override string ToString() => Mac is null ? Cipher : $"{Cipher}+{Mac}";

    internal CipherInfo CipherInfo => PacketCipherRegistry.TryGetCipher(Cipher, out var c) ? c : throw new InvalidOperationException(Cipher);

    internal MacInfo? MacInfo => Mac is null ? null : PacketCipherRegistry.TryGetMac(Mac, out var m) ? m : throw new InvalidOperationException(Mac);

    internal byte[] Key => PacketCipherFixtures.Pattern(CipherInfo.KeyLength, 0x11);

    internal byte[] Iv => PacketCipherFixtures.Pattern(CipherInfo.IvLength, 0x5a);

    internal byte[] MacKey => PacketCipherFixtures.Pattern(MacInfo?.KeyLength ?? 0, 0x77);

    internal IPacketSealer CreateSealer() => PacketCipherRegistry.CreateSealer(CipherInfo, Key, Iv, MacInfo, MacKey);

    internal IPacketOpener CreateOpener() => PacketCipherRegistry.CreateOpener(CipherInfo, Key, Iv, MacInfo, MacKey);
}

internal static class PacketCipherFixtures
{
    /// <summary>Every cipher (or those <paramref name="where"/> keeps); AEAD ones once with no MAC, the others with every MAC.</summary>
    public static TheoryData<CipherSuite> AllSuites(Func<CipherSuite, bool>? where = null)
    {
        var data = new TheoryData<CipherSuite>();
        foreach (var cipher in PacketCipherRegistry.AllCiphers)
        {
            var suites = cipher.IsAead
                ? [new CipherSuite(cipher.Name, null)]
                : PacketCipherRegistry.AllMacs.Select(mac => new CipherSuite(cipher.Name, mac.Name));
            foreach (var suite in suites)
            {
                if (where is null || where(suite))
                {
                    data.Add(suite);
                }
            }
        }
        return data;
    }

    public static byte[] Pattern(int length, byte seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + i * 7);
        }
        return bytes;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>
    /// Builds packet_length || padding_length || payload || random padding with RFC 4253 §6 padding (at least 4
    /// bytes), aligned the way the sealer says.
    /// </summary>
    public static byte[] BuildPacket(ReadOnlySpan<byte> payload, int blockSize, bool lengthExcluded, Random random)
    {
        int aligned = 1 + payload.Length + (lengthExcluded ? 0 : 4);
        int padding = blockSize - aligned % blockSize;
        if (padding < 4)
        {
            padding += blockSize;
        }
        int packetLength = 1 + payload.Length + padding;
        var packet = new byte[4 + packetLength];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)packetLength);
        packet[4] = (byte)padding;
        payload.CopyTo(packet.AsSpan(5));
        random.NextBytes(packet.AsSpan(5 + payload.Length));
        return packet;
    }

    public static byte[] BuildPacket(IPacketSealer sealer, int payloadLength, Random random)
    {
        var payload = new byte[payloadLength];
        random.NextBytes(payload);
        return BuildPacket(payload, sealer.BlockSize, sealer.LengthExcludedFromAlignment, random);
    }

    /// <summary>Receives a sealed packet the way a transport would: first block, length, then the rest.</summary>
    public static bool Receive(IPacketOpener opener, uint sequence, byte[] wire, byte[] tag, out byte[] plaintext)
    {
        uint length = opener.DecryptLength(sequence, wire.AsSpan(0, opener.FirstBlockLength));
        plaintext = new byte[wire.Length - 4];
        Assert.Equal((uint)(wire.Length - 4), length);
        return opener.Open(sequence, wire, tag, plaintext);
    }
}
