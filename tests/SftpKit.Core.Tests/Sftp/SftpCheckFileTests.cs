using System.Security.Cryptography;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

#pragma warning disable CA5350, CA5351 // check-file serves md5 and sha1 because clients ask for them: the tests compare against them.

/// <summary>check-file-name / check-file-handle / check-file (draft-ietf-secsh-filexfer-extensions-00 §3) on the wire.</summary>
public class SftpCheckFileTests
{
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(10_000);

    private static async Task<SftpTestClient> StartAsync()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/data.bin", Content);
        fs.AddFile("/abc.txt", "abc"u8);
        await fs.CreateDirectoryAsync("/dir", CancellationToken.None);
        return await SftpTestClient.StartInitializedAsync(fs);
    }

    private static SftpWire ByName(SftpTestClient client, string path, string algorithms, ulong start = 0, ulong length = 0, uint blockSize = 0)
        => SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String("check-file-name").String(path).String(algorithms)
            .UInt64(start).UInt64(length).UInt32(blockSize);

    private static (string Algorithm, byte[] Hashes) Decode(SftpReply reply, int length)
    {
        Assert.Equal(SftpPacketType.ExtendedReply, reply.Type);
        Assert.Equal("check-file", reply.String());
        string algorithm = reply.String();
        var hashes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            Assert.False(reply.AtEnd, $"reply ended after {i} of {length} hash bytes");
            hashes[i] = reply.Byte();
        }
        Assert.True(reply.AtEnd, "reply longer than expected");
        return (algorithm, hashes);
    }

    [Theory]
    [InlineData("md5")]
    [InlineData("sha1")]
    [InlineData("sha256")]
    [InlineData("sha384")]
    [InlineData("sha512")]
    public async Task Name_WholeFile_MatchesBcl(string algorithm)
    {
        await using var client = await StartAsync();
        var expected = algorithm switch
        {
            "md5" => MD5.HashData(Content),
            "sha1" => SHA1.HashData(Content),
            "sha256" => SHA256.HashData(Content),
            "sha384" => SHA384.HashData(Content),
            _ => SHA512.HashData(Content),
        };
        var (used, hashes) = Decode(await client.RequestAsync(ByName(client, "/data.bin", algorithm)), expected.Length);
        Assert.Equal(algorithm, used);
        Assert.Equal(expected, hashes);
    }

    [Fact]
    public async Task Sha224_MatchesKnownVector()
    {
        await using var client = await StartAsync();
        var (used, hashes) = Decode(await client.RequestAsync(ByName(client, "/abc.txt", "sha224")), 28);
        Assert.Equal("sha224", used);
        Assert.Equal("23097D223405D8228642A477BDA255B32AADBCE4BDA0B3F7E36C9DA7", Convert.ToHexString(hashes));
    }

    [Fact]
    public async Task ClientsFirstSupportedAlgorithm_Wins()
    {
        await using var client = await StartAsync();
        var (used, hashes) = Decode(await client.RequestAsync(ByName(client, "/data.bin", "crc32,sha256,md5")), 32);
        Assert.Equal("sha256", used);
        Assert.Equal(SHA256.HashData(Content), hashes);
    }

    [Fact]
    public async Task Range_InBlocks_LastBlockShort()
    {
        await using var client = await StartAsync();
        // 5000 bytes from 100 in blocks of 1024: four full blocks and one of 904.
        var (_, hashes) = Decode(await client.RequestAsync(ByName(client, "/data.bin", "sha1", 100, 5000, 1024)), 5 * 20);
        for (int block = 0; block < 5; block++)
        {
            int offset = 100 + (block * 1024);
            int size = Math.Min(1024, 5100 - offset);
            Assert.Equal(SHA1.HashData(Content.AsSpan(offset, size)), hashes.AsSpan(block * 20, 20).ToArray());
        }
    }

    [Fact]
    public async Task Length0_HashesToEnd_AndLengthPastEnd_StopsAtEnd()
    {
        await using var client = await StartAsync();
        var expected = MD5.HashData(Content.AsSpan(9_000));
        var (_, toEnd) = Decode(await client.RequestAsync(ByName(client, "/data.bin", "md5", 9_000, 0)), 16);
        Assert.Equal(expected, toEnd);
        var (_, pastEnd) = Decode(await client.RequestAsync(ByName(client, "/data.bin", "md5", 9_000, 1_000_000)), 16);
        Assert.Equal(expected, pastEnd);
    }

    [Fact]
    public async Task StartPastEnd_OneHashOfNothing_OrNoBlocks()
    {
        await using var client = await StartAsync();
        var (_, whole) = Decode(await client.RequestAsync(ByName(client, "/data.bin", "sha256", 20_000)), 32);
        Assert.Equal(SHA256.HashData([]), whole);
        var (_, blocks) = Decode(await client.RequestAsync(ByName(client, "/data.bin", "sha256", 20_000, 0, 512)), 0);
        Assert.Empty(blocks);
    }

    [Fact]
    public async Task Refuses_SmallBlocks_TooManyBlocks_UnknownAlgorithms_Directories_MissingFiles()
    {
        await using var client = await StartAsync();
        Assert.Equal(SftpStatusCode.Failure, (await client.RequestAsync(ByName(client, "/data.bin", "md5", 0, 0, 255))).Status());
        // 10 000 bytes in blocks of 256 is 40 blocks: fine; a file of 2049 blocks is not.
        ((InMemoryFileSystem)client.Fs).AddFile("/big.bin", new byte[(SftpCheckFileRequest.CheckFileMaxBlocks * 256) + 1]);
        Assert.Equal(SftpStatusCode.Failure, (await client.RequestAsync(ByName(client, "/big.bin", "md5", 0, 0, 256))).Status());
        Decode(await client.RequestAsync(ByName(client, "/big.bin", "md5", 0, SftpCheckFileRequest.CheckFileMaxBlocks * 256, 256)), SftpCheckFileRequest.CheckFileMaxBlocks * 16);
        Assert.Equal(SftpStatusCode.OpUnsupported, (await client.RequestAsync(ByName(client, "/data.bin", "crc32,whirlpool"))).Status());
        Assert.Equal(SftpStatusCode.Failure, (await client.RequestAsync(ByName(client, "/dir", "md5"))).Status());
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.RequestAsync(ByName(client, "/missing", "md5"))).Status());
    }

    [Theory]
    [InlineData("check-file-handle")]
    [InlineData("check-file")]
    public async Task Handle_Forms_HashTheOpenFile(string extension)
    {
        await using var client = await StartAsync();
        var handle = await client.OpenAsync("/data.bin", SftpOpenFlags.Read);
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String(extension).Bytes(handle)
            .String("sha512").UInt64(0).UInt64(0).UInt32(0));
        var (used, hashes) = Decode(reply, 64);
        Assert.Equal("sha512", used);
        Assert.Equal(SHA512.HashData(Content), hashes);
    }

    [Fact]
    public async Task Handle_WriteOnly_IsPermissionDenied_Unknown_IsFailure()
    {
        await using var client = await StartAsync();
        var handle = await client.OpenAsync("/new.bin", SftpOpenFlags.Write | SftpOpenFlags.Create);
        var denied = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String("check-file-handle").Bytes(handle)
            .String("md5").UInt64(0).UInt64(0).UInt32(0));
        Assert.Equal(SftpStatusCode.PermissionDenied, denied.Status());
        var unknown = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String("check-file-handle").Bytes("nope"u8)
            .String("md5").UInt64(0).UInt64(0).UInt32(0));
        Assert.Equal(SftpStatusCode.Failure, unknown.Status());
    }

    [Fact]
    public async Task Handle_ReadWrite_HashesWhatWasWritten()
    {
        await using var client = await StartAsync();
        var handle = await client.OpenAsync("/rw.bin", SftpOpenFlags.Read | SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, Content.AsSpan(0, 3000))));
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String("check-file").Bytes(handle)
            .String("sha256").UInt64(0).UInt64(0).UInt32(0));
        Assert.Equal(SHA256.HashData(Content.AsSpan(0, 3000)), Decode(reply, 32).Hashes);
    }
}
