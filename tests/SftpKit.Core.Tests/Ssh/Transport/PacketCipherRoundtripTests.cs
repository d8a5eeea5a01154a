using System.Buffers.Binary;
using SftpKit.Ssh.Transport;

namespace SftpKit.Tests.Ssh.Transport;

public sealed class PacketCipherRoundtripTests
{
    public static TheoryData<CipherSuite> Suites => PacketCipherFixtures.AllSuites();

    // Sizes straddle cipher blocks, the 8 KiB CTR keystream batch and the usual 32 KiB/256 KiB SFTP packets.
    private static readonly int[] PayloadSizes = [0, 1, 7, 11, 12, 15, 16, 17, 31, 100, 1000, 8170, 8171, 8192, 8193, 16384, 20000, 32768, 40000, 262144];

    [Theory]
    [MemberData(nameof(Suites))]
    public void Seal_then_Open_roundtrips_across_sequence_numbers(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        using var opener = suite.CreateOpener();
        var random = new Random(1234);
        // Start just below the wrap so uint.MaxValue -> 0 is crossed mid-stream, as a long-lived connection would.
        uint sequence = uint.MaxValue - 7;
        for (int round = 0; round < 3; round++)
        {
            foreach (int size in PayloadSizes)
            {
                var packet = PacketCipherFixtures.BuildPacket(sealer, size, random);
                var original = packet.ToArray();
                var tag = new byte[sealer.TagLength];

                sealer.Seal(sequence, packet, tag);

                Assert.NotEqual(original.AsSpan(4).ToArray(), packet.AsSpan(4).ToArray());
                Assert.True(PacketCipherFixtures.Receive(opener, sequence, packet, tag, out var plaintext), $"seq {sequence} size {size}");
                Assert.Equal(original.AsSpan(4).ToArray(), plaintext);
                sequence = unchecked(sequence + 1);
            }
        }
    }

    [Fact]
    public void None_passes_packets_through_unchanged()
    {
        using var sealer = PacketCipherRegistry.NoneSealer();
        using var opener = PacketCipherRegistry.NoneOpener();
        var packet = PacketCipherFixtures.BuildPacket(sealer, 50, new Random(1));
        var original = packet.ToArray();

        sealer.Seal(3, packet, []);

        Assert.Equal(original, packet);
        Assert.True(PacketCipherFixtures.Receive(opener, 3, packet, [], out var plaintext));
        Assert.Equal(original.AsSpan(4).ToArray(), plaintext);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Length_is_sent_in_clear_exactly_when_excluded_from_alignment(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        var packet = PacketCipherFixtures.BuildPacket(sealer, 64, new Random(2));
        var original = packet.ToArray();

        sealer.Seal(0, packet, new byte[sealer.TagLength]);

        bool clear = packet.AsSpan(0, 4).SequenceEqual(original.AsSpan(0, 4));
        bool expectClear = sealer.LengthExcludedFromAlignment && suite.Cipher != PacketCipherRegistry.ChaCha20Poly1305;
        Assert.Equal(expectClear, clear);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void DecryptLength_can_be_repeated_before_Open(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        using var opener = suite.CreateOpener();
        var packet = PacketCipherFixtures.BuildPacket(sealer, 300, new Random(3));
        var tag = new byte[sealer.TagLength];
        sealer.Seal(9, packet, tag);

        uint first = opener.DecryptLength(9, packet.AsSpan(0, opener.FirstBlockLength));
        uint second = opener.DecryptLength(9, packet.AsSpan(0, opener.FirstBlockLength));

        Assert.Equal(first, second);
        Assert.Equal((uint)(packet.Length - 4), first);
        Assert.True(opener.Open(9, packet, tag, new byte[first]));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Packet_length_reads_back_from_first_block(CipherSuite suite)
    {
        using var sealer = suite.CreateSealer();
        using var opener = suite.CreateOpener();
        var packet = PacketCipherFixtures.BuildPacket(sealer, 5000, new Random(4));
        uint expected = BinaryPrimitives.ReadUInt32BigEndian(packet);
        sealer.Seal(0, packet, new byte[sealer.TagLength]);

        Assert.Equal(expected, opener.DecryptLength(0, packet.AsSpan(0, opener.FirstBlockLength)));
    }
}
