using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using SftpKit.Ssh.Transport;

namespace SftpKit.Benchmarks;

/// <summary>
/// Seal and open throughput of one SSH binary packet per operation for each cipher (and a representative MAC for the
/// CTR modes). Open needs packets sealed in order because GCM and CTR openers carry state from packet to packet, so a
/// ring of <see cref="Ring"/> sealed packets is built once and each iteration opens it front to back with a fresh
/// opener; the fixed invocation count makes one iteration exactly one pass over the ring. A fixed count also disables
/// BenchmarkDotNet's pilot stage, so extra warmup iterations give tiered JIT time to reach optimised code (with the
/// short job's 3 warmups the managed BouncyCastle loops were still measured at tier 0).
/// AEAD suites name their route in brackets so both run side by side: [libcrypto] is OpenSSL called directly (raw
/// ChaCha20 + POLY1305 EVP_MAC, or one keyed EVP AES-GCM context), the other the BCL (+ BouncyCastle) fallback.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(WideParameterConfig))]
[InvocationCount(Ring)]
[WarmupCount(30)]
[IterationCount(15)]
public class PacketCipherBenchmarks
{
    private const int Ring = 64;

    private byte[][] _sealed = [];
    private byte[][] _tags = [];
    private byte[] _packet = [];
    private byte[] _tag = [];
    private byte[] _plaintext = [];
    private IPacketSealer? _sealer;
    private IPacketOpener? _opener;
    private uint _sequence;
    private int _next;

    [Params(
        "chacha20-poly1305@openssh.com [libcrypto]",
        "chacha20-poly1305@openssh.com [BCL+BouncyCastle]",
        "aes128-gcm@openssh.com [libcrypto]",
        "aes128-gcm@openssh.com [BCL AesGcm]",
        "aes256-gcm@openssh.com [libcrypto]",
        "aes256-gcm@openssh.com [BCL AesGcm]",
        "aes128-ctr+hmac-sha2-256-etm@openssh.com",
        "aes256-ctr+hmac-sha2-256-etm@openssh.com",
        "aes256-ctr+hmac-sha2-512-etm@openssh.com",
        "aes256-ctr+hmac-sha2-256")]
    public string Suite { get; set; } = "";

    [Params(32 * 1024, 256 * 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _sealer = CreateSealer();
        bool usesLibcrypto = _sealer switch
        {
            ChaCha20Poly1305PacketSealer chacha => chacha.Construction.UsesOpenSsl,
            AesGcmPacketSealer gcm => gcm.UsesOpenSsl,
            _ => false,
        };
        if (LibcryptoRoute is bool libcrypto && libcrypto != usesLibcrypto)
        {
            throw new InvalidOperationException($"{Suite}: the libcrypto route is {(usesLibcrypto ? "taken" : "not available")} here.");
        }
        _packet = BuildPacket(_sealer, PayloadBytes);
        _tag = new byte[_sealer.TagLength];
        _plaintext = new byte[_packet.Length - 4];

        using var ringSealer = CreateSealer();
        _sealed = new byte[Ring][];
        _tags = new byte[Ring][];
        for (int i = 0; i < Ring; i++)
        {
            _sealed[i] = BuildPacket(ringSealer, PayloadBytes);
            _tags[i] = new byte[ringSealer.TagLength];
            ringSealer.Seal((uint)i, _sealed[i], _tags[i]);
        }
    }

    [IterationSetup(Target = nameof(Open))]
    public void ResetOpener()
    {
        _opener?.Dispose();
        _opener = CreateOpener();
        _next = 0;
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _sealer?.Dispose();
        _opener?.Dispose();
    }

    [Benchmark]
    public void Seal() => _sealer!.Seal(_sequence++, _packet, _tag);

    [Benchmark]
    public bool Open()
    {
        int i = _next++;
        var packet = _sealed[i];
        _opener!.DecryptLength((uint)i, packet.AsSpan(0, _opener.FirstBlockLength));
        if (!_opener.Open((uint)i, packet, _tags[i], _plaintext))
        {
            throw new InvalidOperationException("Benchmark packet failed to open.");
        }
        return true;
    }

    /// <summary>The bracketed route of an AEAD suite: true for libcrypto, false for the fallback, null for none given.</summary>
    private bool? LibcryptoRoute => Suite.EndsWith("[libcrypto]", StringComparison.Ordinal) ? true : Suite.EndsWith(']') ? false : null;

    private (CipherInfo Cipher, MacInfo? Mac) Resolve()
    {
        var names = Suite.Split(' ')[0].Split('+');
        PacketCipherRegistry.TryGetCipher(names[0], out var cipher);
        MacInfo? mac = null;
        if (names.Length > 1)
        {
            PacketCipherRegistry.TryGetMac(names[1], out mac);
        }
        return (cipher!, mac);
    }

    private IPacketSealer CreateSealer()
    {
        var (cipher, mac) = Resolve();
        if (LibcryptoRoute is bool libcrypto)
        {
            return cipher.Name == PacketCipherRegistry.ChaCha20Poly1305
                ? new ChaCha20Poly1305PacketSealer(new byte[cipher.KeyLength], ChaChaRoutes(libcrypto))
                : new AesGcmPacketSealer(new byte[cipher.KeyLength], new byte[cipher.IvLength], libcrypto);
        }
        return PacketCipherRegistry.CreateSealer(cipher, new byte[cipher.KeyLength], new byte[cipher.IvLength], mac, new byte[mac?.KeyLength ?? 0]);
    }

    private IPacketOpener CreateOpener()
    {
        var (cipher, mac) = Resolve();
        if (LibcryptoRoute is bool libcrypto)
        {
            return cipher.Name == PacketCipherRegistry.ChaCha20Poly1305
                ? new ChaCha20Poly1305PacketOpener(new byte[cipher.KeyLength], ChaChaRoutes(libcrypto))
                : new AesGcmPacketOpener(new byte[cipher.KeyLength], new byte[cipher.IvLength], libcrypto);
        }
        return PacketCipherRegistry.CreateOpener(cipher, new byte[cipher.KeyLength], new byte[cipher.IvLength], mac, new byte[mac?.KeyLength ?? 0]);
    }

    private static ChaChaPolyRoutes ChaChaRoutes(bool libcrypto) =>
        libcrypto ? ChaChaPolyRoutes.Fastest : ChaChaPolyRoutes.Fastest & ~ChaChaPolyRoutes.OpenSsl;

    private static byte[] BuildPacket(IPacketSealer sealer, int payloadBytes)
    {
        int aligned = 1 + payloadBytes + (sealer.LengthExcludedFromAlignment ? 0 : 4);
        int padding = sealer.BlockSize - aligned % sealer.BlockSize;
        if (padding < 4)
        {
            padding += sealer.BlockSize;
        }
        var packet = new byte[4 + 1 + payloadBytes + padding];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(packet.Length - 4));
        packet[4] = (byte)padding;
        new Random(payloadBytes).NextBytes(packet.AsSpan(5));
        return packet;
    }
}

/// <summary>Keeps cipher+MAC names whole in the summary; the default 20-character cut makes two -etm suites collide.</summary>
public sealed class WideParameterConfig : ManualConfig
{
    public WideParameterConfig() => SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(48);
}
