using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// AES in counter mode as SSH uses it (RFC 4344 §4): one keystream per direction that continues across packets, the
/// 128-bit counter starting at the derived IV and incremented big-endian per 16-byte block.
/// </summary>
/// <remarks>
/// The BCL has no CTR mode, so counters are written into a buffer and encrypted in batches by one ECB transform that
/// lives as long as the keystream. One-shot <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/>
/// was measured to allocate 64 B and redo the key schedule per call; the reused <see cref="ICryptoTransform"/>
/// allocates nothing. Unused keystream carries over to the next packet.
/// </remarks>
internal sealed class AesCtrKeystream : IDisposable
{
    public const int IvLength = 16;

    /// <summary>Keystream bytes produced per EncryptEcb call: big enough to amortise the call, small enough for L1.</summary>
    internal const int BatchLength = 16 * 1024;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
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
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
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
        _ecb.TransformBlock(_keystream, 0, BatchLength, _keystream, 0);
        _position = 0;
    }

    /// <summary>destination = source ^ keystream, widest vectors first.</summary>
    internal static void Xor(ReadOnlySpan<byte> source, ReadOnlySpan<byte> keystream, Span<byte> destination)
    {
        int length = source.Length;
        if (keystream.Length < length || destination.Length < length)
        {
            throw new ArgumentException("Keystream and destination must cover the source.");
        }
        // Lengths are checked above, so the unchecked loads below stay inside all three spans.
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte key = ref MemoryMarshal.GetReference(keystream);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        nuint i = 0;
        nuint n = (nuint)length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 64 <= n; i += 64)
            {
                (Vector512.LoadUnsafe(ref src, i) ^ Vector512.LoadUnsafe(ref key, i)).StoreUnsafe(ref dst, i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= n; i += 32)
            {
                (Vector256.LoadUnsafe(ref src, i) ^ Vector256.LoadUnsafe(ref key, i)).StoreUnsafe(ref dst, i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                (Vector128.LoadUnsafe(ref src, i) ^ Vector128.LoadUnsafe(ref key, i)).StoreUnsafe(ref dst, i);
            }
        }
        for (int j = (int)i; j < length; j++)
        {
            destination[j] = (byte)(source[j] ^ keystream[j]);
        }
    }

    public void Dispose()
    {
        // SymmetricAlgorithm.Dispose zeroes its key copy; the keystream is derived secret material too.
        _ecb.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
        _counterHigh = _counterLow = 0;
    }
}
