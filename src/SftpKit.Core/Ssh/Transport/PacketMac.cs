using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// An SSH packet MAC (RFC 4253 §6.4): HMAC over uint32 sequence_number || data, where data is the plaintext packet or,
/// for -etm modes, length || ciphertext. One <see cref="IncrementalHash"/> is kept per instance and reset after each
/// tag so that steady state allocates nothing.
/// </summary>
internal sealed class PacketMac : IDisposable
{
    private const int MaxHashLength = 64;

    private readonly IncrementalHash _hmac;

    public PacketMac(HashAlgorithmName algorithm, int tagLength, ReadOnlySpan<byte> key)
    {
        _hmac = IncrementalHash.CreateHMAC(algorithm, key);
        if (tagLength != _hmac.HashLengthInBytes)
        {
            // Every MAC we register sends the full HMAC output; truncated variants (-96) are deliberately absent.
            _hmac.Dispose();
            throw new ArgumentException("Tag length must equal the HMAC output length.", nameof(tagLength));
        }
        TagLength = tagLength;
    }

    public int TagLength { get; }

    /// <summary>Starts a MAC for <paramref name="sequence"/>; follow with <see cref="Append"/> calls and a finish.</summary>
    public void Begin(uint sequence)
    {
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, sequence);
        _hmac.AppendData(prefix);
    }

    public void Append(ReadOnlySpan<byte> data) => _hmac.AppendData(data);

    public void Finish(Span<byte> tag)
    {
        if (!_hmac.TryGetHashAndReset(tag[..TagLength], out _))
        {
            throw new CryptographicException("HMAC output did not fit.");
        }
    }

    /// <summary>Finishes the MAC and compares it with <paramref name="received"/> in constant time.</summary>
    public bool FinishAndVerify(ReadOnlySpan<byte> received)
    {
        Span<byte> expected = stackalloc byte[MaxHashLength];
        expected = expected[..TagLength];
        Finish(expected);
        bool ok = CryptographicOperations.FixedTimeEquals(expected, received[..TagLength]);
        CryptographicOperations.ZeroMemory(expected);
        return ok;
    }

    public void Dispose() => _hmac.Dispose();
}
