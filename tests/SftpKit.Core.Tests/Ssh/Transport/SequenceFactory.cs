using System.Buffers;

namespace SftpKit.Tests.Ssh.Transport;

/// <summary>Builds multi-segment sequences so parsers are tested on one-byte-per-segment input too.</summary>
internal static class SequenceFactory
{
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(data.AsMemory(0, 1), 0);
        var last = first;
        for (int i = 1; i < data.Length; i++)
        {
            last = last.Append(data.AsMemory(i, 1));
        }
        return new ReadOnlySequence<byte>(first, 0, last, 1);
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
