using System.Security.Cryptography;
using SftpKit.Ssh.Keys;
using SftpKit.Ssh.Messages;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.KeyExchange;

/// <summary>
/// Runs key exchanges for one connection, the first and every rekey, from the read loop: KEXINIT negotiation,
/// the 30/31 exchange, NEWKEYS in both directions, strict kex (draft-miller-sshm-strict-kex) and EXT_INFO
/// (RFC 8308). Either side may start a rekey; our KEXINIT goes out once per round.
/// </summary>
internal sealed class KeyExchangeHandler : IDisposable
{
    private const string StrictServerMarker = "kex-strict-s-v00@openssh.com";
    private const string StrictClientMarker = "kex-strict-c-v00@openssh.com";
    private const string ExtInfoClientMarker = "ext-info-c";

    private readonly SshTransport _transport;
    private readonly SshAlgorithmOptions _algorithms;
    private readonly IReadOnlyList<SshHostKey> _hostKeys;
    private readonly string _clientVersion;
    private readonly string _serverVersion;

    private byte[]? _serverKexInit;
    private KexInitMessage? _clientKexInit;
    private IKexAlgorithm? _kex;
    private SshHostKey? _hostKey;
    private string? _hostKeyAlgorithm;
    private NegotiatedDirection _clientToServer;
    private NegotiatedDirection _serverToClient;
    private IPacketOpener? _pendingOpener;
    private bool _ignoreGuessedPacket;
    private bool _awaitingNewKeys;
    private long _beganTimestamp;

    public KeyExchangeHandler(SshTransport transport, SshAlgorithmOptions algorithms, IReadOnlyList<SshHostKey> hostKeys, string clientVersion, string serverVersion)
    {
        _transport = transport;
        _algorithms = algorithms;
        _hostKeys = hostKeys;
        _clientVersion = clientVersion;
        _serverVersion = serverVersion;
    }

    /// <summary>The first exchange hash (RFC 4253 §7.2); null until the first kex completes.</summary>
    public byte[]? SessionId { get; private set; }

    /// <summary>True from our or the peer's KEXINIT until the peer's NEWKEYS.</summary>
    public bool InProgress => _serverKexInit is not null;

    public bool FirstKexDone { get; private set; }

    public bool ClientWantsExtInfo { get; private set; }

    public DateTime LastKexUtc { get; private set; } = DateTime.UtcNow;

    /// <summary>The host key blob used for this connection, for publickey-hostbound authentication.</summary>
    public byte[]? HostKeyBlob => _hostKey?.PublicKeyBlob;

    public string? NegotiatedSummary { get; private set; }

    /// <summary>The key exchange method of the round in progress or last completed (one the server offers); null before one is chosen.</summary>
    public string? KexAlgorithm { get; private set; }

    /// <summary>How long the last completed round took, from our KEXINIT to the peer's NEWKEYS.</summary>
    public TimeSpan LastDuration { get; private set; }

    /// <summary>Sends our KEXINIT unless this round already has one.</summary>
    public void Begin()
    {
        if (_serverKexInit is not null)
        {
            return;
        }
        var kex = _algorithms.KeyExchange.Where(n => KexAlgorithmRegistry.AllNames.Contains(n)).ToList();
        if (!FirstKexDone)
        {
            kex.Add(StrictServerMarker);
        }
        _serverKexInit = KexInitMessage.Build(kex, OfferedHostKeyAlgorithms(), _algorithms.Ciphers, _algorithms.Macs);
        _beganTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        _transport.Enqueue(_serverKexInit, OutboundKind.KexInit);
    }

    private List<string> OfferedHostKeyAlgorithms()
        => _algorithms.HostKeys.Where(a => _hostKeys.Any(k => k.SignatureAlgorithms.Contains(a))).ToList();

    /// <summary>Handles one key-exchange message (20, 21, 30–49). Returns true when this completed a kex round.</summary>
    public bool Handle(ReadOnlySpan<byte> payload)
    {
        var number = (SshMessageNumber)payload[0];
        switch (number)
        {
            case SshMessageNumber.KexInit:
                OnKexInit(payload);
                return false;
            case SshMessageNumber.NewKeys:
                return OnNewKeys();
            case SshMessageNumber.KexEcdhInit:
                if (_ignoreGuessedPacket)
                {
                    _ignoreGuessedPacket = false;
                    return false;
                }
                OnExchangeInit(payload);
                return false;
            default:
                throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected key exchange message.");
        }
    }

    private void OnKexInit(ReadOnlySpan<byte> payload)
    {
        if (_clientKexInit is not null)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Duplicate KEXINIT.");
        }
        var client = KexInitMessage.Read(payload);
        _clientKexInit = client;
        if (!FirstKexDone)
        {
            _transport.StrictKex = client.KexAlgorithms.Contains(StrictClientMarker);
            ClientWantsExtInfo = client.KexAlgorithms.Contains(ExtInfoClientMarker);
        }
        Begin();

        var offeredKex = _algorithms.KeyExchange.Where(n => KexAlgorithmRegistry.AllNames.Contains(n)).ToList();
        string kexName = Negotiate(client.KexAlgorithms, offeredKex)
            ?? throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching key exchange method.");
        KexAlgorithm = kexName;
        _hostKeyAlgorithm = Negotiate(client.HostKeyAlgorithms, OfferedHostKeyAlgorithms())
            ?? throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching host key algorithm.");
        _hostKey = _hostKeys.First(k => k.SignatureAlgorithms.Contains(_hostKeyAlgorithm));
        _clientToServer = NegotiateDirection(client.CiphersClientToServer, client.MacsClientToServer, client.CompressionClientToServer);
        _serverToClient = NegotiateDirection(client.CiphersServerToClient, client.MacsServerToClient, client.CompressionServerToClient);

        if (!KexAlgorithmRegistry.TryCreate(kexName, out var kex) || kex is null)
        {
            throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching key exchange method.");
        }
        _kex?.Dispose();
        _kex = kex;
        // A wrong guess means the client's first kex packet was computed for another method: skip it (RFC 4253 §7).
        _ignoreGuessedPacket = client.FirstKexPacketFollows
            && (client.KexAlgorithms.FirstOrDefault() != kexName || client.HostKeyAlgorithms.FirstOrDefault() != _hostKeyAlgorithm);
        NegotiatedSummary = $"{kexName} {_hostKeyAlgorithm} {_clientToServer.Cipher.Name}/{_clientToServer.Mac?.Name ?? "aead"}";
    }

    private NegotiatedDirection NegotiateDirection(string[] ciphers, string[] macs, string[] compression)
    {
        string cipherName = Negotiate(ciphers, _algorithms.Ciphers)
            ?? throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching cipher.");
        if (!PacketCipherRegistry.TryGetCipher(cipherName, out var cipher))
        {
            throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching cipher.");
        }
        MacInfo? mac = null;
        if (!cipher.IsAead)
        {
            string macName = Negotiate(macs, _algorithms.Macs)
                ?? throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching MAC.");
            if (!PacketCipherRegistry.TryGetMac(macName, out var found))
            {
                throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching MAC.");
            }
            mac = found;
        }
        if (!compression.Contains("none"))
        {
            throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "No matching compression method.");
        }
        return new NegotiatedDirection(cipher, mac);
    }

    private void OnExchangeInit(ReadOnlySpan<byte> payload)
    {
        if (_kex is null || _clientKexInit is null || _serverKexInit is null || _hostKey is null || _awaitingNewKeys)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected key exchange message.");
        }
        var result = _kex.Respond(KexEcdhInitMessage.Read(payload).ClientValue);
        byte[] exchangeHash;
        using (var hashInput = new SshWriter(4096))
        {
            hashInput.WriteString(_clientVersion);
            hashInput.WriteString(_serverVersion);
            hashInput.WriteBinary(_clientKexInit.Payload);
            hashInput.WriteBinary(_serverKexInit);
            hashInput.WriteBinary(_hostKey.PublicKeyBlob);
            hashInput.WriteRaw(result.HashTail);
            exchangeHash = Hash(_kex.HashAlgorithm, hashInput.WrittenSpan);
            hashInput.Clear();
        }
        SessionId ??= exchangeHash;

        // ServerValueEncoded carries its own length prefix; the message writes the contents with theirs.
        _transport.Send(new KexEcdhReplyMessage(_hostKey.PublicKeyBlob, result.ServerValueEncoded.AsSpan(4), _hostKey.Sign(_hostKeyAlgorithm!, exchangeHash)),
            OutboundKind.Kex);

        var hash = _kex.HashAlgorithm;
        var k = result.SharedSecretEncoded;
        var sealer = CreateSealer(hash, k, exchangeHash, _serverToClient, 'B', 'D', 'F');
        _pendingOpener = CreateOpener(hash, k, exchangeHash, _clientToServer, 'A', 'C', 'E');
        CryptographicOperations.ZeroMemory(k);
        _transport.Send(new NewKeysMessage(), OutboundKind.NewKeys, sealer);
        _awaitingNewKeys = true;

        if (!FirstKexDone && ClientWantsExtInfo)
        {
            _transport.Send(s_extInfo);
        }
    }

    private bool OnNewKeys()
    {
        if (!_awaitingNewKeys || _pendingOpener is null)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected NEWKEYS.");
        }
        _transport.SetOpener(_pendingOpener);
        _pendingOpener = null;
        _awaitingNewKeys = false;
        _serverKexInit = null;
        _clientKexInit = null;
        _kex?.Dispose();
        _kex = null;
        FirstKexDone = true;
        LastKexUtc = DateTime.UtcNow;
        LastDuration = System.Diagnostics.Stopwatch.GetElapsedTime(_beganTimestamp);
        return true;
    }

    /// <summary>Our EXT_INFO (RFC 8308): the signature algorithms we verify, publickey-hostbound and ping.</summary>
    private static readonly ExtInfoMessage s_extInfo = new(
    [
        new("server-sig-algs", "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"),
        new("publickey-hostbound@openssh.com", "0"),
        new("ping@openssh.com", "0"),
    ]);

    /// <summary>The first client algorithm the server also supports (RFC 4253 §7.1), or null.</summary>
    private static string? Negotiate(string[] client, IEnumerable<string> server)
    {
        var serverSet = server as ICollection<string> ?? server.ToList();
        foreach (var name in client)
        {
            if (serverSet.Contains(name))
            {
                return name;
            }
        }
        return null;
    }

    private IPacketSealer CreateSealer(HashAlgorithmName hash, byte[] k, byte[] h, NegotiatedDirection direction, char iv, char key, char mac)
    {
        using var keys = DirectionKeys.Derive(hash, k, h, SessionId!, direction, iv, key, mac);
        return PacketCipherRegistry.CreateSealer(direction.Cipher, keys.Key, keys.Iv, direction.Mac, keys.MacKey);
    }

    private IPacketOpener CreateOpener(HashAlgorithmName hash, byte[] k, byte[] h, NegotiatedDirection direction, char iv, char key, char mac)
    {
        using var keys = DirectionKeys.Derive(hash, k, h, SessionId!, direction, iv, key, mac);
        return PacketCipherRegistry.CreateOpener(direction.Cipher, keys.Key, keys.Iv, direction.Mac, keys.MacKey);
    }

    /// <summary>The IV, cipher key and MAC key of one direction (RFC 4253 §7.2), zeroed on dispose.</summary>
    private readonly record struct DirectionKeys(byte[] Iv, byte[] Key, byte[] MacKey) : IDisposable
    {
        public static DirectionKeys Derive(HashAlgorithmName hash, byte[] k, byte[] h, byte[] sessionId, NegotiatedDirection direction, char iv, char key, char mac)
            => new(
                KeyDerivation.Derive(hash, k, h, iv, sessionId, direction.Cipher.IvLength),
                KeyDerivation.Derive(hash, k, h, key, sessionId, direction.Cipher.KeyLength),
                direction.Mac is { } m ? KeyDerivation.Derive(hash, k, h, mac, sessionId, m.KeyLength) : []);

        public void Dispose()
        {
            CryptographicOperations.ZeroMemory(Iv);
            CryptographicOperations.ZeroMemory(Key);
            CryptographicOperations.ZeroMemory(MacKey);
        }
    }

    private static byte[] Hash(HashAlgorithmName name, ReadOnlySpan<byte> data)
    {
        if (name == HashAlgorithmName.SHA256)
        {
            return SHA256.HashData(data);
        }
        if (name == HashAlgorithmName.SHA384)
        {
            return SHA384.HashData(data);
        }
        if (name == HashAlgorithmName.SHA512)
        {
            return SHA512.HashData(data);
        }
#pragma warning disable CA5350 // SHA-1 only for the legacy kex methods an operator opted into.
        return SHA1.HashData(data);
#pragma warning restore CA5350
    }

    public void Dispose()
    {
        _kex?.Dispose();
        _pendingOpener?.Dispose();
    }

    private readonly record struct NegotiatedDirection(CipherInfo Cipher, MacInfo? Mac);
}
