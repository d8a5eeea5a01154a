using System.Buffers;
using SftpKit.FileSystem;
using SftpKit.Sftp;
using SftpKit.Tests.Ssh.Transport;

namespace SftpKit.Tests.Sftp;

public class SftpCodecTests
{
    public static TheoryData<bool> Segmentations => new() { false, true };

    private static ReadOnlySequence<byte> Sequence(byte[] data, bool oneBytePerSegment)
        => oneBytePerSegment ? SequenceFactory.OneBytePerSegment(data) : new ReadOnlySequence<byte>(data);

    [Theory]
    [MemberData(nameof(Segmentations))]
    public void Frames_PacketWithAttributes(bool oneByte)
    {
        var bytes = SftpWire.Packet(SftpPacketType.Setstat, 42).String("/a/b").Attrs(flags: 1 | 4, size: 1234, permissions: 0x81A4).ToArray();
        var buffer = Sequence(bytes, oneByte);

        Assert.True(SftpPacketReader.TryReadPacket(ref buffer, out var packet));
        using (packet)
        {
            Assert.True(buffer.IsEmpty);
            Assert.Equal(SftpPacketType.Setstat, packet.Type);
            Assert.Equal(42u, packet.Id);
            var reader = packet.CreateReader();
            Assert.Equal("/a/b", reader.ReadString());
            var attrs = reader.ReadAttributes();
            Assert.Equal(SftpAttributeFlags.Size | SftpAttributeFlags.Permissions, attrs.Flags);
            Assert.Equal(1234ul, attrs.Size);
            Assert.Equal(0x81A4u, attrs.Permissions);
            Assert.Equal(0, reader.Remaining);
        }
    }

    [Theory]
    [MemberData(nameof(Segmentations))]
    public void Incomplete_ConsumesNothing(bool oneByte)
    {
        var bytes = SftpWire.Packet(SftpPacketType.Stat, 7).String("/x").ToArray();
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var buffer = Sequence(bytes[..cut], oneByte);
            long before = buffer.Length;
            Assert.False(SftpPacketReader.TryReadPacket(ref buffer, out _));
            Assert.Equal(before, buffer.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Segmentations))]
    public void Frames_TwoPacketsInOneBuffer(bool oneByte)
    {
        var bytes = SftpWire.Packet(SftpPacketType.Stat, 1).String("/x").ToArray()
            .Concat(SftpWire.Packet(SftpPacketType.Lstat, 2).String("/y").ToArray()).ToArray();
        var buffer = Sequence(bytes, oneByte);
        Assert.True(SftpPacketReader.TryReadPacket(ref buffer, out var first));
        Assert.True(SftpPacketReader.TryReadPacket(ref buffer, out var second));
        Assert.Equal(1u, first.Id);
        Assert.Equal(SftpPacketType.Lstat, second.Type);
        Assert.True(buffer.IsEmpty);
        first.Dispose();
        second.Dispose();
    }

    [Theory]
    [MemberData(nameof(Segmentations))]
    public void Rejects_PacketOverMaxLength_BeforeBuffering(bool oneByte)
    {
        // Only the length field is present: the limit is checked before any body arrives.
        byte[] header = [0x00, 0x04, 0x10, 0x00];
        var buffer = Sequence(header, oneByte);
        Assert.Throws<SftpProtocolException>(() => SftpPacketReader.TryReadPacket(ref buffer, out _));
    }

    [Fact]
    public void Rejects_PacketTooShortForTypeAndId()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 2, 1, 0 });
        Assert.Throws<SftpProtocolException>(() => SftpPacketReader.TryReadPacket(ref buffer, out _));
    }

    [Fact]
    public void Accepts_LargestWrite()
    {
        var bytes = SftpWire.Packet(SftpPacketType.Write, 1).String("00000001").UInt64(0).Bytes(new byte[261120]).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(SftpPacketReader.TryReadPacket(ref buffer, out var packet));
        packet.Dispose();
    }

    [Fact]
    public void Truncated_String_IsProtocolError()
    {
        var bytes = SftpWire.Packet(SftpPacketType.Stat, 1).UInt32(100).Raw("abc"u8).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(SftpPacketReader.TryReadPacket(ref buffer, out var packet));
        using (packet)
        {
            Assert.Throws<SftpProtocolException>(() => packet.CreateReader().ReadString());
        }
    }

    [Theory]
    [MemberData(nameof(Segmentations))]
    public void Attributes_RoundTrip_WithFileTypeBits(bool oneByte)
    {
        var info = new VfsFileInfo
        {
            Name = "f",
            Type = VfsFileType.Directory,
            Size = 4096,
            Permissions = 0x1ED,
            Uid = 1000,
            Gid = 100,
            LastWriteTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            LastAccessTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100),
        };
        using var response = SftpResponse.Create(SftpPacketType.Attrs, 9);
        response.WriteAttributes(SftpAttributes.From(info));
        var buffer = Sequence(response.GetPacket().ToArray(), oneByte);
        Assert.True(SftpPacketReader.TryReadPacket(ref buffer, out var packet));
        using (packet)
        {
            var attrs = packet.CreateReader().ReadAttributes();
            Assert.Equal(0x41EDu, attrs.Permissions);
            Assert.Equal(4096ul, attrs.Size);
            Assert.Equal(1000u, attrs.Uid);
            Assert.Equal(100u, attrs.Gid);
            Assert.Equal(1_700_000_000u, attrs.ModificationTime);
            Assert.Equal(1_700_000_100u, attrs.AccessTime);
            var change = attrs.ToChange()!;
            Assert.Equal(0x1EDu, change.Permissions);
            Assert.Equal(4096, change.Size);
        }
    }

    [Fact]
    public void Attributes_SkipExtendedPairs()
    {
        var bytes = SftpWire.Packet(SftpPacketType.Setstat, 1).String("/p").UInt32(0x80000004).UInt32(0x1A4)
            .UInt32(1).String("name").String("value").ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(SftpPacketReader.TryReadPacket(ref buffer, out var packet));
        using (packet)
        {
            var reader = packet.CreateReader();
            reader.ReadString();
            Assert.Equal(0x1A4u, reader.ReadAttributes().Permissions);
            Assert.Equal(0, reader.Remaining);
        }
    }

    [Fact]
    public void LongName_MatchesOpenSshLs()
    {
        var now = new DateTimeOffset(2024, 3, 10, 0, 0, 0, TimeSpan.Zero);
        var recent = new VfsFileInfo { Name = "name", Type = VfsFileType.File, Size = 1234, Permissions = 0x1A4, LastWriteTime = new DateTimeOffset(2024, 1, 1, 12, 34, 0, TimeSpan.Zero) };
        Assert.Equal("-rw-r--r--    1 0        0            1234 Jan  1 12:34 name", SftpLongName.Format(recent, now));

        var old = recent with { Name = "old", Type = VfsFileType.Directory, Permissions = 0x3ED, LastWriteTime = new DateTimeOffset(2020, 11, 21, 8, 0, 0, TimeSpan.Zero) };
        Assert.Equal("drwxr-xr-t    1 0        0            1234 Nov 21  2020 old", SftpLongName.Format(old, now));

        var link = recent with { Name = "l", Type = VfsFileType.SymbolicLink, Permissions = 0x1FF, Uid = 1000, Gid = 1000, Size = 3 };
        Assert.Equal("lrwxrwxrwx    1 1000     1000            3 Jan  1 12:34 l", SftpLongName.Format(link, now));
    }

    [Fact]
    public void Status_MapsEveryVfsError_ToGenericMessages()
    {
        foreach (var error in Enum.GetValues<VfsError>())
        {
            var (code, message) = SftpErrors.Map(error);
            Assert.DoesNotContain("/", message, StringComparison.Ordinal);
            Assert.True(code != SftpStatusCode.Ok);
        }
        Assert.Equal(SftpStatusCode.NoSuchFile, SftpErrors.Map(VfsError.NotFound).Code);
        Assert.Equal(SftpStatusCode.PermissionDenied, SftpErrors.Map(VfsError.InvalidPath).Code);
        Assert.Equal(SftpStatusCode.OpUnsupported, SftpErrors.Map(VfsError.Unsupported).Code);
    }
}
