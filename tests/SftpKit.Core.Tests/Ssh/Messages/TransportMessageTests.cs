using SftpKit.Ssh;
using SftpKit.Ssh.Messages;
using static SftpKit.Tests.Ssh.Messages.MessageWire;

namespace SftpKit.Tests.Ssh.Messages;

public sealed class TransportMessageTests
{
    [Fact]
    public void Disconnect_round_trips_in_the_RFC_layout()
    {
        var message = new DisconnectMessage(SshDisconnectReason.ProtocolError, "Protocol error.");
        var payload = Write(message);
        byte[] expected = [1, 0, 0, 0, 2, 0, 0, 0, 15, .. "Protocol error."u8, 0, 0, 0, 0];
        Assert.Equal(expected, payload);
        Assert.Equal(message, DisconnectMessage.Read(payload));
        AssertMalformedRejected<DisconnectMessage>(payload);
    }

    [Fact]
    public void Ignore_round_trips()
    {
        var payload = Write(new IgnoreMessage([1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, IgnoreMessage.Read(payload).Data.ToArray());
        AssertMalformedRejected<IgnoreMessage>(payload);
    }

    [Fact]
    public void Unimplemented_round_trips()
    {
        var payload = Write(new UnimplementedMessage(0x01020304));
        Assert.Equal(new byte[] { 3, 1, 2, 3, 4 }, payload);
        Assert.Equal(0x01020304u, UnimplementedMessage.Read(payload).SequenceNumber);
        AssertMalformedRejected<UnimplementedMessage>(payload);
    }

    [Fact]
    public void Debug_round_trips()
    {
        var message = new DebugMessage(true, "hello", "en");
        var payload = Write(message);
        Assert.Equal(message, DebugMessage.Read(payload));
        AssertMalformedRejected<DebugMessage>(payload);
    }

    [Fact]
    public void Service_request_and_accept_round_trip()
    {
        var request = Write(new ServiceRequestMessage("ssh-userauth"));
        Assert.Equal("ssh-userauth", ServiceRequestMessage.Read(request).ServiceName);
        AssertMalformedRejected<ServiceRequestMessage>(request);
        var accept = Write(new ServiceAcceptMessage("ssh-userauth"));
        Assert.Equal("ssh-userauth", ServiceAcceptMessage.Read(accept).ServiceName);
        AssertMalformedRejected<ServiceAcceptMessage>(accept);
    }

    [Fact]
    public void Service_name_with_invalid_utf8_is_rejected()
    {
        byte[] payload = [5, 0, 0, 0, 2, 0xc3, 0x28];
        Assert.Throws<SshProtocolException>(() => ServiceRequestMessage.Read(payload));
    }

    [Fact]
    public void Ext_info_round_trips()
    {
        KeyValuePair<string, string>[] extensions = [new("server-sig-algs", "ssh-ed25519"), new("ping@openssh.com", "0")];
        var payload = Write(new ExtInfoMessage(extensions));
        Assert.Equal(extensions, ExtInfoMessage.Read(payload).Extensions);
        AssertMalformedRejected<ExtInfoMessage>(payload);
    }

    [Fact]
    public void Ext_info_with_a_count_beyond_the_message_is_rejected_before_allocating()
    {
        byte[] payload = [7, .. U32(uint.MaxValue)];
        Assert.Throws<SshProtocolException>(() => ExtInfoMessage.Read(payload));
    }

    [Fact]
    public void New_keys_is_one_byte()
    {
        var payload = Write(new NewKeysMessage());
        Assert.Equal(new byte[] { 21 }, payload);
        NewKeysMessage.Read(payload);
        AssertMalformedRejected<NewKeysMessage>(payload);
    }

    [Fact]
    public void Ping_and_pong_round_trip()
    {
        var ping = Write(new PingMessage("abc"u8));
        Assert.Equal("abc"u8.ToArray(), PingMessage.Read(ping).Data.ToArray());
        AssertMalformedRejected<PingMessage>(ping);
        var pong = Write(new PongMessage(PingMessage.Read(ping).Data));
        Assert.Equal("abc"u8.ToArray(), PongMessage.Read(pong).Data.ToArray());
        AssertMalformedRejected<PongMessage>(pong);
    }

    [Fact]
    public void Kex_init_round_trips_and_keeps_its_payload()
    {
        var payload = KexInitMessage.Build(["curve25519-sha256", "kex-strict-s-v00@openssh.com"], ["ssh-ed25519"], ["aes128-ctr", "chacha20-poly1305@openssh.com"], ["hmac-sha2-256"]);
        var read = KexInitMessage.Read(payload);
        Assert.Equal(payload, read.Payload);
        Assert.Equal(16, read.Cookie.Length);
        Assert.Equal(new[] { "curve25519-sha256", "kex-strict-s-v00@openssh.com" }, read.KexAlgorithms);
        Assert.Equal(new[] { "ssh-ed25519" }, read.HostKeyAlgorithms);
        Assert.Equal(new[] { "aes128-ctr", "chacha20-poly1305@openssh.com" }, read.CiphersClientToServer);
        Assert.Equal(read.CiphersClientToServer, read.CiphersServerToClient);
        Assert.Equal(new[] { "hmac-sha2-256" }, read.MacsServerToClient);
        Assert.Equal(new[] { "none" }, read.CompressionClientToServer);
        Assert.Empty(read.LanguagesClientToServer);
        Assert.False(read.FirstKexPacketFollows);
        Assert.Equal(payload, Write(read));
        AssertMalformedRejected<KexInitMessage>(payload);
    }

    [Fact]
    public void Kex_init_with_a_name_list_outside_printable_ascii_is_rejected()
    {
        var payload = KexInitMessage.Build(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"]);
        payload[1 + 16 + 4] = (byte)' ';
        Assert.Throws<SshProtocolException>(() => KexInitMessage.Read(payload));
    }

    [Fact]
    public void Kex_ecdh_init_round_trips_and_rejects_trailing_data()
    {
        var payload = Write(new KexEcdhInitMessage(new byte[32]));
        Assert.Equal(32, KexEcdhInitMessage.Read(payload).ClientValue.Length);
        AssertMalformedRejected<KexEcdhInitMessage>(payload);
        Assert.Throws<SshProtocolException>(() => KexEcdhInitMessage.Read([.. payload, 0]));
    }

    [Fact]
    public void Kex_ecdh_reply_round_trips()
    {
        var payload = Write(new KexEcdhReplyMessage([1, 2], [3, 4, 5], [6]));
        var read = KexEcdhReplyMessage.Read(payload);
        Assert.Equal(new byte[] { 1, 2 }, read.HostKey.ToArray());
        Assert.Equal(new byte[] { 3, 4, 5 }, read.ServerValue.ToArray());
        Assert.Equal(new byte[] { 6 }, read.Signature.ToArray());
        AssertMalformedRejected<KexEcdhReplyMessage>(payload);
    }
}
