using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// AES in counter mode as SSH uses it (RFC 4344 §4): one keystream per direction that continues across packets, the
/// 128-bit counter starting at the derived IV and incremented big-endian per 16-byte block.
/// </summary>
/// <remarks>
/// The BCL has no CTR mode, so counters are written into a buffer and encrypted in batches with one
/// <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/> call; a batch amortises
/// the per-call cost over many blocks, and unused keystream carries over to the next packet.
/// </remarks>
internal sealed class AesCtrKeystream : IDisposable
{
    public const int IvLength = 16;

    /// <summary>Keystream bytes produced per EncryptEcb call: big enough to amortise the call, small enough for L1.</summary>
    internal const int BatchLength = 8 * 1024;

    private readonly Aes _aes;
    private readonly byte[] _keystream = new byte[BatchLength];
    private ulong _counterHigh;
    private ulong _counterLow;
    private int _position = BatchLength;

    public AesCtrKeystream(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("AES-CTR needs a 16, 24 or 32-byte key.", nameof(key));
        }
        if (iv.Length != IvLength)
        {
            throw new ArgumentException($"AES-CTR needs a {IvLength}-byte IV.", nameof(iv));
        }
        _aes = Aes.Create();
        _aes.SetKey(key);
        _counterHigh = BinaryPrimitives.ReadUInt64BigEndian(iv);
        _counterLow = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
    }

    /// <summary>
    /// XORs <paramref name="input"/> with the next input.Length keystream bytes into <paramref name="output"/>, which
    /// may be the same memory as the input.
    /// </summary>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("Output is shorter than input.", nameof(output));
        }
        while (!input.IsEmpty)
        {
            if (_position == BatchLength)
            {
                Refill();
            }
            int count = Math.Min(input.Length, BatchLength - _position);
            Xor(input[..count], _keystream.AsSpan(_position, count), output);
            _position += count;
            input = input[count..];
            output = output[count..];
        }
    }

    private void Refill()
    {
        var buffer = _keystream.AsSpan();
        ulong high = _counterHigh;
        ulong low = _counterLow;
        for (int offset = 0; offset < BatchLength; offset += 16)
        {
            BinaryPrimitives.WriteUInt64BigEndian(buffer.Slice(offset, 8), high);
            BinaryPrimitives.WriteUInt64BigEndian(buffer.Slice(offset + 8, 8), low);
            low++;
            if (low == 0)
            {
                high++;
            }
        }
        _counterHigh = high;
        _counterLow = low;
        _aes.EncryptEcb(buffer, buffer, PaddingMode.None);
        _position = 0;
    }

    /// <summary>destination = source ^ keystream, widest vectors first.</summary>
    internal static void Xor(ReadOnlySpan<byte> source, ReadOnlySpan<byte> keystream, Span<byte> destination)
    {
        int length = source.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - 64; i += 64)
            {
                (Vector512.Create(source[i..]) ^ Vector512.Create(keystream[i..])).CopyTo(destination[i..]);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - 32; i += 32)
            {
                (Vector256.Create(source[i..]) ^ Vector256.Create(keystream[i..])).CopyTo(destination[i..]);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - 16; i += 16)
            {
                (Vector128.Create(source[i..]) ^ Vector128.Create(keystream[i..])).CopyTo(destination[i..]);
            }
        }
        for (; i < length; i++)
        {
            destination[i] = (byte)(source[i] ^ keystream[i]);
        }
    }

    public void Dispose()
    {
        // SymmetricAlgorithm.Dispose zeroes its key copy; the keystream is derived secret material too.
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
        _counterHigh = _counterLow = 0;
    }
}
