using SftpKit.Ssh;
using SftpKit.Ssh.Messages;
using static SftpKit.Tests.Ssh.Messages.MessageWire;

namespace SftpKit.Tests.Ssh.Messages;

public sealed class UserAuthMessageTests
{
    [Fact]
    public void Request_round_trips_with_its_method_fields_left_unread()
    {
        using var fields = new SshWriter();
        new UserAuthPasswordFields("secret").Write(fields);
        var payload = Write(new UserAuthRequestMessage("alice", "ssh-connection", "password", fields.WrittenSpan));
        var read = UserAuthRequestMessage.Read(payload);
        Assert.Equal("alice", read.UserName);
        Assert.Equal("ssh-connection", read.ServiceName);
        Assert.Equal("password", read.MethodName);
        Assert.Equal(fields.ToArray(), read.MethodFields.ToArray());
        Assert.Equal(new UserAuthPasswordFields("secret"), UserAuthPasswordFields.Read(read.MethodFields));
        AssertMalformedRejected<UserAuthRequestMessage>(Write(new UserAuthRequestMessage("alice", "ssh-connection", "none", [])));
    }

    [Fact]
    public void Password_change_request_carries_both_passwords()
    {
        using var writer = new SshWriter();
        new UserAuthPasswordFields("old", "new").Write(writer);
        var read = UserAuthPasswordFields.Read(writer.WrittenSpan);
        Assert.True(read.ChangeRequested);
        Assert.Equal(("old", "new"), (read.Password, read.NewPassword));
        Assert.Throws<SshProtocolException>(() => UserAuthPasswordFields.Read(writer.WrittenSpan[..^1]));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Public_key_fields_round_trip_and_know_what_was_signed(bool hasSignature, bool hostbound)
    {
        using var writer = new SshWriter();
        new UserAuthPublicKeyFields("ssh-ed25519", [1, 2, 3], hostbound ? [4, 5] : [], hasSignature ? [6] : [], hasSignature, hostbound).Write(writer);
        var read = UserAuthPublicKeyFields.Read(writer.WrittenSpan, hostbound);
        Assert.Equal(hasSignature, read.HasSignature);
        Assert.Equal("ssh-ed25519", read.Algorithm);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.PublicKey.ToArray());
        Assert.Equal(hostbound ? new byte[] { 4, 5 } : [], read.HostKey.ToArray());
        Assert.Equal(hasSignature ? new byte[] { 6 } : [], read.Signature.ToArray());
        // The signed part is everything before the signature.
        Assert.Equal(writer.Length - (hasSignature ? 5 : 0), read.SignedLength);
        for (int length = 0; length < writer.Length; length++)
        {
            int cut = length;
            Assert.Throws<SshProtocolException>(() => UserAuthPublicKeyFields.Read(writer.WrittenSpan[..cut], hostbound));
        }
    }

    [Fact]
    public void Keyboard_interactive_fields_round_trip()
    {
        using var writer = new SshWriter();
        new UserAuthKeyboardInteractiveFields("", "pam").Write(writer);
        Assert.Equal(new UserAuthKeyboardInteractiveFields("", "pam"), UserAuthKeyboardInteractiveFields.Read(writer.WrittenSpan));
        Assert.Throws<SshProtocolException>(() => UserAuthKeyboardInteractiveFields.Read(writer.WrittenSpan[..^1]));
    }

    [Fact]
    public void Failure_round_trips()
    {
        var payload = Write(new UserAuthFailureMessage(["publickey", "password"], PartialSuccess: true));
        var read = UserAuthFailureMessage.Read(payload);
        Assert.Equal(new[] { "publickey", "password" }, read.Methods);
        Assert.True(read.PartialSuccess);
        AssertMalformedRejected<UserAuthFailureMessage>(payload);
    }

    [Fact]
    public void Success_is_one_byte()
    {
        var payload = Write(new UserAuthSuccessMessage());
        Assert.Equal(new byte[] { 52 }, payload);
        AssertMalformedRejected<UserAuthSuccessMessage>(payload);
    }

    [Fact]
    public void Banner_round_trips()
    {
        var payload = Write(new UserAuthBannerMessage("Welcome\r\n"));
        Assert.Equal(new UserAuthBannerMessage("Welcome\r\n"), UserAuthBannerMessage.Read(payload));
        AssertMalformedRejected<UserAuthBannerMessage>(payload);
    }

    [Fact]
    public void Pk_ok_round_trips()
    {
        var payload = Write(new UserAuthPkOkMessage("ssh-ed25519", [9, 8, 7]));
        var read = UserAuthPkOkMessage.Read(payload);
        Assert.Equal("ssh-ed25519", read.Algorithm);
        Assert.Equal(new byte[] { 9, 8, 7 }, read.PublicKey.ToArray());
        AssertMalformedRejected<UserAuthPkOkMessage>(payload);
    }

    [Fact]
    public void Info_request_round_trips()
    {
        UserAuthInfoPrompt[] prompts = [new("Password: ", false), new("Code: ", true)];
        var payload = Write(new UserAuthInfoRequestMessage("Login", "Answer both", prompts));
        var read = UserAuthInfoRequestMessage.Read(payload);
        Assert.Equal(("Login", "Answer both", ""), (read.Name, read.Instruction, read.Language));
        Assert.Equal(prompts, read.Prompts);
        AssertMalformedRejected<UserAuthInfoRequestMessage>(payload);
    }

    [Fact]
    public void Info_response_round_trips()
    {
        var payload = Write(new UserAuthInfoResponseMessage(["secret", "246810"]));
        Assert.Equal(new[] { "secret", "246810" }, UserAuthInfoResponseMessage.Read(payload).Responses);
        AssertMalformedRejected<UserAuthInfoResponseMessage>(payload);
    }

    [Fact]
    public void Info_response_with_a_count_beyond_the_message_is_rejected_before_allocating()
    {
        byte[] payload = [61, .. U32(uint.MaxValue), 0, 0, 0, 0];
        Assert.Throws<SshProtocolException>(() => UserAuthInfoResponseMessage.Read(payload));
    }
}
