using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// home-directory (draft-ietf-secsh-filexfer-extensions-00; an empty user name means the session's user): every
/// account is chrooted, so its home is the virtual root — the directory a session starts in and where its files are.
/// </summary>
public sealed class SftpHomeDirectoryTests
{
    private static SftpWire HomeDirectory(SftpTestClient client, string userName)
        => SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String(SftpExtensions.HomeDirectory).String(userName);

    private static async Task<string> SingleNameAsync(SftpTestClient client, SftpWire request)
    {
        var reply = await client.RequestAsync(request);
        Assert.True(reply.Type == SftpPacketType.Name, $"got {reply.Type}");
        Assert.Equal(1u, reply.UInt32());
        string name = reply.String();
        reply.String(); // long name
        reply.Attrs();
        Assert.True(reply.AtEnd);
        return name;
    }

    [Fact]
    public async Task Home_directory_of_the_session_user_is_where_the_session_starts_and_holds_its_files()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/mine.txt", "x"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);

        string home = await SingleNameAsync(client, HomeDirectory(client, ""));

        Assert.Equal("/", home);
        Assert.Equal(home, await SingleNameAsync(client, SftpWire.Packet(SftpPacketType.Realpath, client.NextId()).String(".")));
        Assert.Equal(home, await SingleNameAsync(client, SftpWire.Packet(SftpPacketType.Extended, client.NextId())
            .String(SftpExtensions.ExpandPath).String("~")));
        var open = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Opendir, client.NextId()).String(home));
        Assert.Equal(SftpPacketType.Handle, open.Type);
        var listing = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Readdir, client.NextId()).Bytes(open.Bytes()));
        Assert.Equal(SftpPacketType.Name, listing.Type);
        Assert.Equal(1u, listing.UInt32());
        Assert.Equal("mine.txt", listing.String());
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("root")]
    [InlineData("no-such-user")]
    public async Task Any_named_user_gets_the_same_root_so_no_other_account_is_revealed(string userName)
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        Assert.Equal("/", await SingleNameAsync(client, HomeDirectory(client, userName)));
    }

    [Fact]
    public async Task A_request_without_the_user_name_field_is_malformed_and_ends_the_session()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String(SftpExtensions.HomeDirectory).ToArray());
        Assert.True(await client.ServerEndedAsync());
        Assert.Equal(1, await client.Server);
    }
}
