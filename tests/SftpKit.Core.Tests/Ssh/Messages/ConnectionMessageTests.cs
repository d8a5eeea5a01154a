using SftpKit.Ssh;
using SftpKit.Ssh.Messages;
using static SftpKit.Tests.Ssh.Messages.MessageWire;

namespace SftpKit.Tests.Ssh.Messages;

public sealed class ConnectionMessageTests
{
    [Fact]
    public void Global_request_round_trips_with_its_request_data()
    {
        var payload = Write(new GlobalRequestMessage("tcpip-forward", true, [0, 0, 0, 0]));
        var read = GlobalRequestMessage.Read(payload);
        Assert.Equal("tcpip-forward", read.RequestName);
        Assert.True(read.WantReply);
        Assert.Equal(new byte[4], read.RequestData.ToArray());
        AssertMalformedRejected<GlobalRequestMessage>(Write(new GlobalRequestMessage("keepalive@openssh.com", true, [])));
    }

    [Fact]
    public void Request_success_and_failure_round_trip()
    {
        var success = Write(new RequestSuccessMessage([1, 2]));
        Assert.Equal(new byte[] { 1, 2 }, RequestSuccessMessage.Read(success).ResponseData.ToArray());
        AssertOtherNumberRejected<RequestSuccessMessage>(success);
        var failure = Write(new RequestFailureMessage());
        Assert.Equal(new byte[] { 82 }, failure);
        AssertMalformedRejected<RequestFailureMessage>(failure);
    }

    [Fact]
    public void Channel_open_round_trips()
    {
        var payload = Write(new ChannelOpenMessage("session", 7, 2 * 1024 * 1024, 32768, []));
        var read = ChannelOpenMessage.Read(payload);
        Assert.Equal(("session", 7u, 2u * 1024 * 1024, 32768u), (read.ChannelType, read.SenderChannel, read.InitialWindowSize, read.MaximumPacketSize));
        Assert.True(read.TypeData.IsEmpty);
        AssertMalformedRejected<ChannelOpenMessage>(payload);
    }

    [Fact]
    public void Channel_open_confirmation_round_trips()
    {
        var message = new ChannelOpenConfirmationMessage(7, 0, 2 * 1024 * 1024, 65536);
        var payload = Write(message);
        Assert.Equal(17, payload.Length);
        Assert.Equal(message, ChannelOpenConfirmationMessage.Read(payload));
        AssertMalformedRejected<ChannelOpenConfirmationMessage>(payload);
    }

    [Fact]
    public void Channel_open_failure_round_trips()
    {
        var message = new ChannelOpenFailureMessage(7, ChannelOpenFailureReason.AdministrativelyProhibited, "Channel type not supported");
        var payload = Write(message);
        Assert.Equal(message, ChannelOpenFailureMessage.Read(payload));
        AssertMalformedRejected<ChannelOpenFailureMessage>(payload);
    }

    [Fact]
    public void Window_adjust_round_trips_in_the_RFC_layout()
    {
        var payload = Write(new ChannelWindowAdjustMessage(1, 0x10000));
        Assert.Equal(new byte[] { 93, 0, 0, 0, 1, 0, 1, 0, 0 }, payload);
        Assert.Equal(new ChannelWindowAdjustMessage(1, 0x10000), ChannelWindowAdjustMessage.Read(payload));
        AssertMalformedRejected<ChannelWindowAdjustMessage>(payload);
    }

    [Fact]
    public void Channel_data_round_trips_and_its_header_matches_the_whole_message()
    {
        byte[] data = [1, 2, 3, 4, 5];
        var payload = Write(new ChannelDataMessage(3, data));
        var read = ChannelDataMessage.Read(payload);
        Assert.Equal(3u, read.RecipientChannel);
        Assert.Equal(data, read.Data.ToArray());
        var framed = new byte[ChannelDataMessage.HeaderLength + data.Length];
        ChannelDataMessage.WriteHeader(framed, 3, data.Length);
        data.CopyTo(framed, ChannelDataMessage.HeaderLength);
        Assert.Equal(payload, framed);
        AssertMalformedRejected<ChannelDataMessage>(payload);
    }

    [Fact]
    public void Channel_data_longer_than_its_message_is_rejected()
    {
        byte[] payload = [94, .. U32(0), .. U32(100), 1, 2, 3];
        Assert.Throws<SshProtocolException>(() => ChannelDataMessage.Read(payload));
    }

    [Fact]
    public void Extended_data_round_trips_and_its_header_matches_the_whole_message()
    {
        byte[] data = "err"u8.ToArray();
        var payload = Write(new ChannelExtendedDataMessage(3, ChannelExtendedDataMessage.Stderr, data));
        var read = ChannelExtendedDataMessage.Read(payload);
        Assert.Equal((3u, 1u), (read.RecipientChannel, read.DataTypeCode));
        Assert.Equal(data, read.Data.ToArray());
        var framed = new byte[ChannelExtendedDataMessage.HeaderLength + data.Length];
        ChannelExtendedDataMessage.WriteHeader(framed, 3, ChannelExtendedDataMessage.Stderr, data.Length);
        data.CopyTo(framed, ChannelExtendedDataMessage.HeaderLength);
        Assert.Equal(payload, framed);
        AssertMalformedRejected<ChannelExtendedDataMessage>(payload);
    }

    [Fact]
    public void Channel_eof_close_success_and_failure_carry_the_recipient_channel()
    {
        var eof = Write(new ChannelEofMessage(4));
        Assert.Equal(new byte[] { 96, 0, 0, 0, 4 }, eof);
        Assert.Equal(4u, ChannelEofMessage.Read(eof).RecipientChannel);
        AssertMalformedRejected<ChannelEofMessage>(eof);
        var close = Write(new ChannelCloseMessage(4));
        Assert.Equal(4u, ChannelCloseMessage.Read(close).RecipientChannel);
        AssertMalformedRejected<ChannelCloseMessage>(close);
        var success = Write(new ChannelSuccessMessage(4));
        Assert.Equal(4u, ChannelSuccessMessage.Read(success).RecipientChannel);
        AssertMalformedRejected<ChannelSuccessMessage>(success);
        var failure = Write(new ChannelFailureMessage(4));
        Assert.Equal(4u, ChannelFailureMessage.Read(failure).RecipientChannel);
        AssertMalformedRejected<ChannelFailureMessage>(failure);
    }

    [Fact]
    public void Channel_request_round_trips_with_its_request_data()
    {
        var payload = Write(new ChannelRequestMessage(2, "exit-status", false, U32(127)));
        var read = ChannelRequestMessage.Read(payload);
        Assert.Equal((2u, "exit-status", false), (read.RecipientChannel, read.RequestType, read.WantReply));
        Assert.Equal(U32(127), read.RequestData.ToArray());
        AssertMalformedRejected<ChannelRequestMessage>(Write(new ChannelRequestMessage(2, "shell", true, [])));
    }
}
