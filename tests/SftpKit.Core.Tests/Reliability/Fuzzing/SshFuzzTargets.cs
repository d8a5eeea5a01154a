using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Pqc.Crypto.NtruPrime;
using Org.BouncyCastle.Security;
using SftpKit.FileSystem;
using SftpKit.Sftp;
using SftpKit.Ssh;
using SftpKit.Ssh.Authentication;
using SftpKit.Ssh.Connection;
using SftpKit.Ssh.KeyExchange;
using SftpKit.Ssh.Messages;
using SftpKit.Ssh.Keys;
using SftpKit.Ssh.Transport;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Reliability.Fuzzing;

/// <summary>
/// The binary packet decoder (RFC 4253 §6) under every cipher family. Input: byte 0 picks the cipher, byte 1 the
/// segment size the bytes arrive in (1–256), the rest is the wire. Seeds are packets sealed with the matching keys.
/// </summary>
internal sealed class PacketDecoderTarget : FuzzTarget
{
    private static readonly (string Cipher, string? Mac)[] s_suites =
    [
        ("none", null), ("chacha20-poly1305@openssh.com", null), ("aes128-gcm@openssh.com", null),
        ("aes128-ctr", "hmac-sha2-256-etm@openssh.com"), ("aes256-ctr", "hmac-sha2-512"),
    ];

    public override string Name => "packet";

    public override bool IsSynchronous => true;

    public override IReadOnlyList<byte[]> BuildSeeds()
    {
        var seeds = new List<byte[]>();
        for (int suite = 0; suite < s_suites.Length; suite++)
        {
            using var encoder = new PacketEncoder();
            encoder.Sealer = CreateSealer(suite);
            var wire = new ArrayBufferWriter<byte>();
            encoder.Encode([(byte)SshMessageNumber.Ignore, 0, 0, 0, 3, 1, 2, 3], wire);
            encoder.Encode(KexInitMessage.Build(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"]), wire);
            encoder.Encode([(byte)SshMessageNumber.ChannelData, 0, 0, 0, 0, .. KexWireString(new byte[1000])], wire);
            foreach (int segment in new[] { 255, 0 })
            {
                seeds.Add([(byte)suite, (byte)segment, .. wire.WrittenSpan]);
            }
        }
        return seeds;
    }

    public override Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length < 2)
        {
            return Task.CompletedTask;
        }
        int suite = input[0] % s_suites.Length;
        using var decoder = new PacketDecoder(64 * 1024);
        decoder.Opener.Dispose();
        decoder.Opener = CreateOpener(suite);
        var buffer = Segments(input.AsMemory(2), 1 + input[1]);
        while (decoder.TryDecode(ref buffer, out var payload))
        {
            if (payload.Length == 0)
            {
                throw new InvalidOperationException("Decoder returned an empty payload.");
            }
        }
        return Task.CompletedTask;
    }

    private static IPacketSealer CreateSealer(int suite) => suite == 0 ? PacketCipherRegistry.NoneSealer() : Create(suite, (c, k, iv, m, mk) => PacketCipherRegistry.CreateSealer(c, k, iv, m, mk));

    private static IPacketOpener CreateOpener(int suite) => suite == 0 ? PacketCipherRegistry.NoneOpener() : Create(suite, (c, k, iv, m, mk) => PacketCipherRegistry.CreateOpener(c, k, iv, m, mk));

    private delegate T Factory<T>(CipherInfo cipher, byte[] key, byte[] iv, MacInfo? mac, byte[] macKey);

    private static T Create<T>(int suite, Factory<T> factory)
    {
        var (cipherName, macName) = s_suites[suite];
        PacketCipherRegistry.TryGetCipher(cipherName, out var cipher);
        MacInfo? mac = null;
        if (macName is not null)
        {
            PacketCipherRegistry.TryGetMac(macName, out mac);
        }
        return factory(cipher!, Fill(cipher!.KeyLength, 0x11), Fill(cipher.IvLength, 0x5a), mac, Fill(mac?.KeyLength ?? 0, 0x77));
    }

    private static byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    internal static byte[] KexWireString(byte[] value) => [.. BigEndian((uint)value.Length), .. value];

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    /// <summary>The bytes as a chain of segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Segments(ReadOnlyMemory<byte> data, int size)
    {
        if (data.Length <= size)
        {
            return new ReadOnlySequence<byte>(data);
        }
        var first = new Segment(data[..size], 0);
        var last = first;
        for (int offset = size; offset < data.Length; offset += size)
        {
            last = last.Append(data[offset..Math.Min(data.Length, offset + size)]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>The client identification line (RFC 4253 §4.2). Input: byte 0 picks the segment size.</summary>
internal sealed class VersionLineTarget : FuzzTarget
{
    public override string Name => "version";

    public override bool IsSynchronous => true;

    public override IReadOnlyList<byte[]> BuildSeeds() =>
    [
        [0, .. "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"u8],
        [3, .. "SSH-2.0-paramiko_2.12.0\r\n\0\0\0\x1c\x0a\x14"u8],
        [1, .. "SSH-1.99-PuTTY_Release_0.78\n"u8],
        [255, .. "SSH-2.0-SSH.NET_2026.1\r\n"u8],
    ];

    public override Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length >= 1)
        {
            var buffer = PacketDecoderTarget.Segments(input.AsMemory(1), 1 + input[0]);
            VersionExchange.TryParseLine(ref buffer, 255, out _);
        }
        return Task.CompletedTask;
    }
}

/// <summary>An SSH transport whose output goes nowhere, for driving one protocol layer with raw messages.</summary>
internal sealed class NullTransport : IAsyncDisposable
{
    private readonly Pipe _input = new();

    public NullTransport()
    {
        Transport = new SshTransport(_input.Reader, PipeWriter.Create(Stream.Null), 64 * 1024, 8, 4096);
        Transport.StartWriter();
    }

    public SshTransport Transport { get; }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        await _input.Writer.CompleteAsync();
        await _input.Reader.CompleteAsync();
    }
}

/// <summary>
/// Key exchange: KEXINIT, the 30/31 exchange of every kex method SftpKit implements, NEWKEYS and rekeys. Input:
/// <c>uint32 length || payload</c> records. Seeds: one complete exchange per method with a valid client value.
/// </summary>
internal sealed class KeyExchangeTarget : FuzzTarget, IDisposable
{
    private readonly Ed25519HostKey _hostKey = Ed25519HostKey.Generate();
    private readonly SshAlgorithmOptions _algorithms = SshAlgorithmOptions.AllSupported();

    public KeyExchangeTarget()
    {
        _algorithms.KeyExchange.Add(KexAlgorithmRegistry.DhGroup14Sha1);
        _algorithms.Macs.Add("hmac-sha1");
    }

    public override string Name => "kex";

    public override IReadOnlyList<byte[]> BuildSeeds()
    {
        var seeds = new List<byte[]>();
        foreach (string kex in _algorithms.KeyExchange)
        {
            byte[] kexInit = KexInitMessage.Build([kex, "ext-info-c", "kex-strict-c-v00@openssh.com"], ["ssh-ed25519", "rsa-sha2-256"],
                ["aes128-ctr", "chacha20-poly1305@openssh.com"], ["hmac-sha2-256-etm@openssh.com", "hmac-sha1"]);
            byte[] init = [(byte)SshMessageNumber.KexEcdhInit, .. PacketDecoderTarget.KexWireString(ClientValue(kex))];
            byte[] newKeys = [(byte)SshMessageNumber.NewKeys];
            seeds.Add(JoinRecords([kexInit, init, newKeys]));
            seeds.Add(JoinRecords([kexInit, init, newKeys, kexInit, init, newKeys])); // a rekey
        }
        return seeds;
    }

    private static byte[] ClientValue(string kex)
    {
        byte[] xPublic = new byte[32];
        X25519.ScalarMultBase(RandomNumberGenerator.GetBytes(32), 0, xPublic, 0);
        switch (kex)
        {
            case KexAlgorithmRegistry.MlKem768X25519Sha256:
            {
                var generator = new MLKemKeyPairGenerator();
                generator.Init(new MLKemKeyGenerationParameters(new SecureRandom(), MLKemParameters.ml_kem_768));
                return [.. ((MLKemPublicKeyParameters)generator.GenerateKeyPair().Public).GetEncoded(), .. xPublic];
            }
            case KexAlgorithmRegistry.Sntrup761X25519Sha512 or KexAlgorithmRegistry.Sntrup761X25519Sha512OpenSsh:
            {
                var generator = new SNtruPrimeKeyPairGenerator();
                generator.Init(new SNtruPrimeKeyGenerationParameters(new SecureRandom(), SNtruPrimeParameters.sntrup761));
                return [.. ((SNtruPrimePublicKeyParameters)generator.GenerateKeyPair().Public).GetPublicKey(), .. xPublic];
            }
            case KexAlgorithmRegistry.EcdhSha2NistP256 or KexAlgorithmRegistry.EcdhSha2NistP384 or KexAlgorithmRegistry.EcdhSha2NistP521:
            {
                var curve = kex switch
                {
                    KexAlgorithmRegistry.EcdhSha2NistP256 => ECCurve.NamedCurves.nistP256,
                    KexAlgorithmRegistry.EcdhSha2NistP384 => ECCurve.NamedCurves.nistP384,
                    _ => ECCurve.NamedCurves.nistP521,
                };
                using var ecdh = ECDiffieHellman.Create(curve);
                var q = ecdh.ExportParameters(false).Q;
                return [0x04, .. q.X!, .. q.Y!];
            }
            case var name when name.StartsWith("diffie-hellman", StringComparison.Ordinal):
                return [0x7f, .. RandomNumberGenerator.GetBytes(200)]; // 1 < e < p - 1
            default:
                return xPublic;
        }
    }

    public override async Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        await using var sink = new NullTransport();
        using var kex = new KeyExchangeHandler(sink.Transport, _algorithms, [_hostKey], "SSH-2.0-Fuzz_1.0", "SSH-2.0-SftpKit_1.0");
        kex.Begin();
        foreach (var message in SplitRecords(input))
        {
            // The packet decoder never yields an empty payload; the connection routes only these numbers here.
            if (message.Length > 0 && message[0] is 20 or 21 or >= 30 and <= 49)
            {
                kex.Handle(message);
            }
        }
    }

    public void Dispose() => _hostKey.Dispose();
}

/// <summary>
/// ssh-userauth (RFC 4252, 4256; publickey-hostbound): none, password, publickey queries and signatures,
/// keyboard-interactive conversations and multi-step logins. Input: records of USERAUTH_REQUEST / INFO_RESPONSE.
/// </summary>
internal sealed class UserAuthTarget : FuzzTarget, IDisposable
{
    private readonly Ed25519HostKey _clientKey = Ed25519HostKey.Generate();
    private readonly Ed25519HostKey _hostKey = Ed25519HostKey.Generate();
    private readonly byte[] _sessionId = RandomNumberGenerator.GetBytes(32);

    public override string Name => "userauth";

    public override IReadOnlyList<byte[]> BuildSeeds()
    {
        byte[] Header(string user, string method) => Concat(
            [(byte)SshMessageNumber.UserAuthRequest], Str(user), Str("ssh-connection"), Str(method));
        byte[] Signed(string user, string method, bool hostbound)
        {
            byte[] body = Concat(Header(user, method), [1], Str("ssh-ed25519"), Bin(_clientKey.PublicKeyBlob), hostbound ? Bin(_hostKey.PublicKeyBlob) : []);
            byte[] signature = _clientKey.Sign("ssh-ed25519", Concat(Bin(_sessionId), body));
            return Concat(body, Bin(signature));
        }
        byte[] password = Concat(Header("alice", "password"), [0], Str(FuzzAuthenticator.Password));
        byte[] wrongPassword = Concat(Header("alice", "password"), [0], Str("nope"));
        byte[] query = Concat(Header("alice", "publickey"), [0], Str("ssh-ed25519"), Bin(_clientKey.PublicKeyBlob));
        byte[] keyboard = Concat(Header("alice", "keyboard-interactive"), Str(""), Str(""));
        byte[] answers = Concat([(byte)SshMessageNumber.UserAuthInfoResponse], [0, 0, 0, 2], Str(FuzzAuthenticator.Password), Str("246810"));
        return
        [
            JoinRecords([Header("alice", "none"), wrongPassword, password]),
            JoinRecords([query, Signed("alice", "publickey", hostbound: false)]),
            JoinRecords([Signed("alice", "publickey-hostbound-v00@openssh.com", hostbound: true)]),
            JoinRecords([keyboard, answers]),
            JoinRecords([Concat(Header("two", "password"), [0], Str(FuzzAuthenticator.Password)), Signed("two", "publickey", hostbound: false)]),
            JoinRecords([Concat(Header("alice", "password"), [1], Str("old"), Str("new")), Header("alice", "hostbased")]),
        ];
    }

    public override async Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        await using var sink = new NullTransport();
        var settings = new UserAuthSettings(new FuzzAuthenticator(_clientKey.PublicKey), [], [],
            new SshCertificateValidator([_hostKey.PublicKey], TimeProvider.System), NullLogger.Instance, MaxAttempts: 6);
        var endpoint = new IPEndPoint(IPAddress.Loopback, 40000);
        var auth = new UserAuthService(sink.Transport, settings, () => _sessionId, () => _hostKey.PublicKeyBlob,
            (user, method, passed) => new SshAuthContext(user, endpoint, "SSH-2.0-Fuzz_1.0", "fuzz", method, passed));
        foreach (var message in SplitRecords(input))
        {
            // The connection routes 50–79 here once ssh-userauth was requested.
            if (message.Length > 0 && message[0] is >= 50 and <= 79 && await auth.HandleAsync(message, cancellationToken) is not null)
            {
                return;
            }
        }
    }

    internal static byte[] Str(string value) => Bin(System.Text.Encoding.UTF8.GetBytes(value));

    internal static byte[] Bin(byte[] value) => PacketDecoderTarget.KexWireString(value);

    internal static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public void Dispose()
    {
        _clientKey.Dispose();
        _hostKey.Dispose();
    }

    /// <summary>Decides without password hashing, so the fuzzer spends its time in the parser.</summary>
    private sealed class FuzzAuthenticator(SshPublicKey key) : ISshAuthenticator, ISshKeyboardInteractiveAuthenticator
    {
        public const string Password = "fuzz-password";

        public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
            => ValueTask.FromResult(password != Password ? SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials)
                : context.UserName == "two" && context.PassedMethods.Count == 0 ? SshAuthResult.Continue("publickey")
                : SshAuthResult.Success(new SshPrincipal(context.UserName)));

        public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey candidate, CancellationToken cancellationToken)
            => ValueTask.FromResult(candidate.Equals(key) ? SshAuthResult.Success(new SshPrincipal(context.UserName)) : SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));

        public ValueTask<SshKeyboardInteractiveStep> BeginKeyboardInteractiveAsync(SshAuthContext context, string submethods, CancellationToken cancellationToken)
            => ValueTask.FromResult(SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractivePrompt("Password: ", false), new SshKeyboardInteractivePrompt("Code: ", true)));

        public ValueTask<SshKeyboardInteractiveStep> ContinueKeyboardInteractiveAsync(SshAuthContext context, SshKeyboardInteractiveChallenge challenge,
            IReadOnlyList<string> answers, CancellationToken cancellationToken)
            => ValueTask.FromResult(answers.Count == 2 && answers[0] == Password
                ? SshKeyboardInteractiveStep.Complete(SshAuthResult.Success(new SshPrincipal(context.UserName)))
                : SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractivePrompt("Again: ", false)));
    }
}

/// <summary>
/// The connection protocol (RFC 4254): global requests, channel open/confirm/failure, window adjust, data, extended
/// data, EOF, close and channel requests, with exec (<c>echo</c>, <c>cat</c>) and the real sftp subsystem behind.
/// </summary>
internal sealed class ConnectionTarget : FuzzTarget
{
    private readonly SftpSubsystemHandler _sftp = new(Options.Create(new SftpSubsystemOptions()), new InMemoryProvider(),
        NullLogger<SftpSubsystemHandler>.Instance);

    public override string Name => "connection";

    public override IReadOnlyList<byte[]> BuildSeeds()
    {
        static byte[] U32(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
        static byte[] Msg(SshMessageNumber n, params byte[][] parts) => UserAuthTarget.Concat([[(byte)n], .. parts]);
        var str = UserAuthTarget.Str;
        byte[] open = Msg(SshMessageNumber.ChannelOpen, str("session"), U32(0), U32(2 * 1024 * 1024), U32(32768));
        byte[] Request(string type, bool reply, params byte[][] extra) => Msg(SshMessageNumber.ChannelRequest, [.. U32(0), .. str(type), reply ? (byte)1 : (byte)0, .. UserAuthTarget.Concat(extra)]);
        byte[] Data(byte[] data) => Msg(SshMessageNumber.ChannelData, U32(0), UserAuthTarget.Bin(data));
        byte[] eof = Msg(SshMessageNumber.ChannelEof, U32(0));
        byte[] close = Msg(SshMessageNumber.ChannelClose, U32(0));
        byte[] sftpInit = [0, 0, 0, 5, 1, 0, 0, 0, 3, 0, 0, 0, 10, 16, 0, 0, 0, 1, 0, 0, 0, 1, (byte)'.'];
        return
        [
            JoinRecords([open, Request("exec", true, str("echo hello")), Msg(SshMessageNumber.ChannelWindowAdjust, U32(0), U32(4096)), eof, close]),
            JoinRecords([open, Request("env", false, str("LANG"), str("C")), Request("exec", true, str("cat")), Data("hello"u8.ToArray()),
                Msg(SshMessageNumber.ChannelExtendedData, U32(0), U32(1), str("err")), eof, close]),
            JoinRecords([open, Request("subsystem", true, str("sftp")), Data(sftpInit), eof, close]),
            JoinRecords([open, Request("pty-req", true, str("xterm"), U32(80), U32(24), U32(0), U32(0), str("")), Request("shell", true),
                Request("signal", false, str("TERM")), Request("keepalive@openssh.com", true), Msg(SshMessageNumber.ChannelSuccess, U32(0)),
                Msg(SshMessageNumber.ChannelFailure, U32(0)), close]),
            JoinRecords([Msg(SshMessageNumber.GlobalRequest, str("keepalive@openssh.com"), [1]), Msg(SshMessageNumber.GlobalRequest, str("no-more-sessions@openssh.com"), [0]),
                Msg(SshMessageNumber.GlobalRequest, str("tcpip-forward"), [1], str("0.0.0.0"), U32(0)), Msg(SshMessageNumber.RequestFailure)]),
            JoinRecords([Msg(SshMessageNumber.ChannelOpen, str("direct-tcpip"), U32(1), U32(65536), U32(32768), str("127.0.0.1"), U32(22), str("127.0.0.1"), U32(4000)),
                Msg(SshMessageNumber.ChannelOpen, str("x11"), U32(2), U32(65536), U32(32768), str("127.0.0.1"), U32(6000)),
                Msg(SshMessageNumber.ChannelOpenConfirmation, U32(0), U32(0), U32(1), U32(1)), Msg(SshMessageNumber.ChannelOpenFailure, U32(0), U32(1), str(""), str(""))]),
        ];
    }

    public override async Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        await using var sink = new NullTransport();
        using var aborted = new CancellationTokenSource();
        var service = new ConnectionService(sink.Transport, new SshPrincipal("alice"), new IPEndPoint(IPAddress.Loopback, 40000), "fuzz",
            [_sftp], [new TestCommands()], NullLogger.Instance, maxChannels: 4, windowSize: 256 * 1024, maxChunk: 32768, receiveMaxPacket: 65536, aborted.Token);
        try
        {
            foreach (var message in SplitRecords(input))
            {
                if (message.Length > 0 && message[0] is >= 80 and <= 127)
                {
                    service.Handle(message);
                }
            }
        }
        finally
        {
            await aborted.CancelAsync();
            service.Dispose();
            // Every channel handler must end once the connection does: a handler stuck here would leak per connection.
            await service.WhenHandlersDoneAsync().WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
    }

    private sealed class InMemoryProvider : ISftpFileSystemProvider
    {
        public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct) => ValueTask.FromResult<IVirtualFileSystem>(new InMemoryFileSystem());
    }
}
