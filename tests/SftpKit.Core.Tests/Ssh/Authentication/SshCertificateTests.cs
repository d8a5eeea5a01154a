using System.Net;
using SftpKit.Ssh;
using SftpKit.Ssh.Authentication;

namespace SftpKit.Tests.Ssh.Authentication;

/// <summary>Certificates made by ssh-keygen parsed and checked against a fixed clock.</summary>
public sealed class SshCertificateTests : IClassFixture<SshCertificateTests.Keys>
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 40000);
    private readonly CertificateAuthority _ca;

    public sealed class Keys : IAsyncLifetime
    {
        public CertificateAuthority Ca { get; } = new();

        public ValueTask InitializeAsync() => new(Ca.CreateKeysAsync());

        public ValueTask DisposeAsync()
        {
            Ca.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    public SshCertificateTests(Keys keys) => _ca = keys.Ca;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private async Task<SshPublicKey> CertAsync(string name, string userKey = "user_ed25519", string ca = "ca_ed25519", string principals = "alice,bob",
        string validity = "20300101:20300201", params string[] options)
    {
        string key = await _ca.SignAsync(name, userKey, ca, principals, validity, host: false, options);
        return SshPublicKey.ParseAuthorizedKey(await File.ReadAllTextAsync(key + "-cert.pub"));
    }

    private SshCertificateValidator Validator(DateTimeOffset now, string ca = "ca_ed25519") =>
        new([SshPublicKey.ParseAuthorizedKey(_ca.PublicLine(ca))], new FixedClock(now));

    private static readonly DateTimeOffset InWindow = new(2030, 1, 15, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("user_ed25519", "ca_ed25519", "ssh-ed25519-cert-v01@openssh.com")]
    [InlineData("user_ecdsa", "ca_rsa", "ecdsa-sha2-nistp256-cert-v01@openssh.com")]
    [InlineData("user_rsa", "ca_ecdsa", "ssh-rsa-cert-v01@openssh.com")]
    public async Task Parses_every_field_ssh_keygen_writes(string userKey, string ca, string type)
    {
        var key = await CertAsync("fields_" + userKey, userKey, ca, options: ["source-address=127.0.0.1/32", "no-pty"]);
        var cert = key.Certificate!;
        Assert.Equal(type, key.KeyType);
        Assert.Equal(SshPublicKey.ParseAuthorizedKey(_ca.PublicLine(userKey)), cert.Key);
        Assert.Null(cert.Key.Certificate);
        Assert.Equal(SshPublicKey.ParseAuthorizedKey(_ca.PublicLine(ca)), cert.SignatureKey);
        Assert.Equal(SshCertificateType.User, cert.Type);
        Assert.Equal("id-fields_" + userKey, cert.KeyId);
        Assert.Equal(42UL, cert.Serial);
        Assert.Equal(["alice", "bob"], cert.Principals);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), cert.ValidAfter);
        Assert.Equal(new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.Zero), cert.ValidBefore);
        Assert.Equal("127.0.0.1/32", Assert.Single(cert.CriticalOptions, o => o.Key == "source-address").Value);
        Assert.Equal(["source-address"], cert.CriticalOptions.Keys);
        Assert.Contains("permit-port-forwarding", cert.Extensions.Keys);
        Assert.DoesNotContain("permit-pty", cert.Extensions.Keys);
        Assert.Equal(32, cert.Nonce.Length);
        Assert.True(cert.VerifyCaSignature());
        Assert.Null(Validator(InWindow, ca).Check(cert, "bob", Loopback, out _));
    }

    [Fact]
    public async Task Forever_validity_maps_to_MaxValue()
    {
        var cert = (await CertAsync("forever", validity: "always:forever")).Certificate!;
        Assert.Equal(DateTimeOffset.UnixEpoch, cert.ValidAfter);
        Assert.Equal(DateTimeOffset.MaxValue, cert.ValidBefore);
        Assert.Null(Validator(InWindow).Check(cert, "alice", Loopback, out _));
    }

    [Fact]
    public async Task Validity_window_is_inclusive_after_and_exclusive_before()
    {
        var cert = (await CertAsync("window")).Certificate!;
        var after = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var before = new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Null(Validator(after).Check(cert, "alice", Loopback, out _));
        Assert.Equal("not yet valid", Validator(after.AddSeconds(-1)).Check(cert, "alice", Loopback, out var early));
        Assert.Equal(SshAuthFailureReason.AccessDenied, early);
        Assert.Null(Validator(before.AddSeconds(-1)).Check(cert, "alice", Loopback, out _));
        Assert.Equal("expired", Validator(before).Check(cert, "alice", Loopback, out _));
    }

    [Fact]
    public async Task Refuses_each_unacceptable_property_with_its_reason()
    {
        var plain = (await CertAsync("plain")).Certificate!;
        var untrusted = (await CertAsync("untrusted", ca: "untrusted_ca")).Certificate!;
        var anyone = (await CertAsync("anyone", principals: "")).Certificate!;
        var force = (await CertAsync("force", options: ["force-command=ls"])).Certificate!;
        var elsewhere = (await CertAsync("elsewhere", options: ["source-address=10.0.0.0/8"])).Certificate!;
        var validator = Validator(InWindow);
        Assert.Equal("user not among the principals", validator.Check(plain, "carol", Loopback, out _));
        Assert.Equal("CA not trusted", validator.Check(untrusted, "alice", Loopback, out _));
        Assert.Equal("no principals", validator.Check(anyone, "alice", Loopback, out _));
        Assert.Equal("unsupported critical option force-command", validator.Check(force, "alice", Loopback, out _));
        Assert.Equal("source address not allowed", validator.Check(elsewhere, "alice", Loopback, out var reason));
        Assert.Equal(SshAuthFailureReason.AccessDenied, reason);
        Assert.Null(validator.Check(elsewhere, "alice", new IPEndPoint(IPAddress.Parse("10.20.30.40"), 1), out _));
    }

    [Fact]
    public async Task A_tampered_certificate_fails_the_ca_signature()
    {
        var key = await CertAsync("tampered");
        byte[] blob = key.Blob.ToArray();
        // Flip one byte of the key id "id-tampered", which sits before the signature.
        int at = blob.AsSpan().IndexOf("id-tampered"u8);
        blob[at + 3] ^= 0x20;
        var tampered = SshPublicKey.FromBlob(blob).Certificate!;
        Assert.Equal("id-Tampered", tampered.KeyId);
        Assert.False(tampered.VerifyCaSignature());
        Assert.Equal("bad CA signature", Validator(InWindow).Check(tampered, "alice", Loopback, out var reason));
        Assert.Equal(SshAuthFailureReason.InvalidCredentials, reason);
    }

    [Fact]
    public async Task Every_truncation_of_a_certificate_is_a_format_error()
    {
        var key = await CertAsync("truncated", userKey: "user_ecdsa");
        byte[] blob = key.Blob.ToArray();
        for (int length = 0; length < blob.Length; length++)
        {
            Assert.Throws<FormatException>(() => SshPublicKey.FromBlob(blob.AsSpan(0, length)));
        }
        Assert.Throws<FormatException>(() => SshPublicKey.FromBlob([.. blob, 0]));
    }

    [Fact]
    public async Task A_ca_key_that_is_a_certificate_is_refused()
    {
        var inner = await CertAsync("chained");
        var ed25519 = SshPublicKey.ParseAuthorizedKey(_ca.PublicLine("user_ed25519"));
        var blob = HandMadeCertificate(ed25519, caBlob: inner.Blob.ToArray(), critical: []);
        var ex = Assert.Throws<FormatException>(() => SshPublicKey.FromBlob(blob));
        Assert.Contains("must not itself be a certificate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_critical_option_is_refused()
    {
        var ed25519 = SshPublicKey.ParseAuthorizedKey(_ca.PublicLine("user_ed25519"));
        var ca = SshPublicKey.ParseAuthorizedKey(_ca.PublicLine("ca_ed25519"));
        var once = HandMadeCertificate(ed25519, ca.Blob.ToArray(), [("source-address", "127.0.0.1")]);
        Assert.Equal("127.0.0.1", SshPublicKey.FromBlob(once).Certificate!.CriticalOptions["source-address"]);
        var twice = HandMadeCertificate(ed25519, ca.Blob.ToArray(), [("source-address", "10.0.0.0/8"), ("source-address", "127.0.0.1")]);
        Assert.Throws<FormatException>(() => SshPublicKey.FromBlob(twice));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.0/8", true)]
    [InlineData("10.0.0.0/8,127.0.0.1/32", true)]
    [InlineData("::1,127.0.0.2", false)]
    [InlineData("10.0.0.0/8", false)]
    [InlineData("127.0.0.1/8", false)] // host bits beyond the prefix: malformed, refused
    [InlineData("127.0.0.1,garbage", false)]
    [InlineData("127.0.0.1/33", false)]
    [InlineData("", false)]
    public void Source_address_lists_match_like_cidr(string list, bool expected)
    {
        Assert.Equal(expected, SshCertificateValidator.SourceAddressMatches(list, Loopback));
        Assert.Equal(expected, SshCertificateValidator.SourceAddressMatches(list, new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 1)));
    }

    [Fact]
    public void Source_address_needs_an_ip_endpoint()
    {
        Assert.False(SshCertificateValidator.SourceAddressMatches("0.0.0.0/0", null));
        Assert.True(SshCertificateValidator.SourceAddressMatches("::/0", new IPEndPoint(IPAddress.IPv6Loopback, 1)));
    }

    private static byte[] HandMadeCertificate(SshPublicKey ed25519, byte[] caBlob, (string Name, string Value)[] critical)
    {
        var reader = new SshReader(ed25519.Blob.Span);
        reader.ReadBinary();
        byte[] pk = reader.ReadBinary().ToArray();
        using var options = new SshWriter();
        foreach (var (name, value) in critical)
        {
            using var inner = new SshWriter();
            inner.WriteString(value);
            options.WriteString(name).WriteBinary(inner.WrittenSpan);
        }
        using var principals = new SshWriter();
        principals.WriteString("alice");
        using var writer = new SshWriter();
        writer.WriteString("ssh-ed25519-cert-v01@openssh.com").WriteBinary(new byte[32]).WriteBinary(pk)
            .WriteUInt64(1).WriteUInt32(1).WriteString("hand made").WriteBinary(principals.WrittenSpan)
            .WriteUInt64(0).WriteUInt64(ulong.MaxValue).WriteBinary(options.WrittenSpan).WriteBinary([]).WriteBinary([])
            .WriteBinary(caBlob).WriteBinary([]);
        return writer.ToArray();
    }
}
