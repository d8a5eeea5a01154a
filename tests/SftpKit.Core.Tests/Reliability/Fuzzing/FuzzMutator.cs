using System.Buffers.Binary;

namespace SftpKit.Tests.Reliability.Fuzzing;

/// <summary>
/// Seeded random mutation of valid inputs, in the manner of libFuzzer's and AFL's byte-level mutators: bit flips,
/// interesting integers in 32-bit length fields, inserted, deleted, duplicated and spliced ranges. The same seed and
/// corpus give the same sequence of inputs, so every failure is reproducible from (seed, index).
/// </summary>
internal sealed class FuzzMutator
{
    private static readonly uint[] s_interesting =
    [
        0, 1, 2, 3, 4, 5, 7, 8, 16, 31, 32, 33, 63, 64, 127, 128, 255, 256, 1023, 1024, 4096, 32767, 32768, 35000,
        65535, 65536, 262144, 262145, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff,
    ];

    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _corpus;

    public FuzzMutator(int seed, IReadOnlyList<byte[]> corpus)
    {
        _random = new Random(seed);
        _corpus = corpus;
    }

    /// <summary>The next input: a corpus entry with 1–8 stacked mutations (1 in 32 is plain random bytes).</summary>
    public byte[] Next()
    {
        if (_random.Next(32) == 0)
        {
            byte[] noise = new byte[_random.Next(0, 512)];
            _random.NextBytes(noise);
            return noise;
        }
        var data = new List<byte>(_corpus[_random.Next(_corpus.Count)]);
        int rounds = 1 + _random.Next(8);
        for (int i = 0; i < rounds; i++)
        {
            Mutate(data);
        }
        return [.. data];
    }

    private void Mutate(List<byte> data)
    {
        int position = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(10))
        {
            case 0 when data.Count > 0:
                data[position] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[position] = (byte)_random.Next(256);
                break;
            case 2 when data.Count >= 4:
            {
                // Most SSH and SFTP fields are uint32 lengths or counts: put a boundary value in one.
                position = _random.Next(data.Count - 3);
                Span<byte> value = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(value, s_interesting[_random.Next(s_interesting.Length)]);
                for (int i = 0; i < 4; i++)
                {
                    data[position + i] = value[i];
                }
                break;
            }
            case 3 when data.Count > 0:
                data.RemoveRange(position, Math.Min(data.Count - position, 1 + _random.Next(16)));
                break;
            case 4:
            {
                byte[] insert = new byte[1 + _random.Next(16)];
                _random.NextBytes(insert);
                data.InsertRange(position, insert);
                break;
            }
            case 5 when data.Count > 0:
            {
                // Duplicate a range: repeated messages, repeated fields.
                int length = Math.Min(data.Count - position, 1 + _random.Next(256));
                data.InsertRange(_random.Next(data.Count + 1), data.GetRange(position, length));
                break;
            }
            case 6:
            {
                // Splice: the head of this input with the tail of another corpus entry.
                var other = _corpus[_random.Next(_corpus.Count)];
                int cut = other.Length == 0 ? 0 : _random.Next(other.Length);
                data.RemoveRange(position, data.Count - position);
                data.AddRange(other.AsSpan(cut).ToArray());
                break;
            }
            case 7 when data.Count > 0:
                data.RemoveRange(position, data.Count - position); // truncate
                break;
            case 8 when data.Count > 0:
                data[position] = (byte)(data[position] + _random.Next(-4, 5));
                break;
            default:
                if (data.Count > 0)
                {
                    data[position] = (byte)s_interesting[_random.Next(s_interesting.Length)];
                }
                break;
        }
    }
}
