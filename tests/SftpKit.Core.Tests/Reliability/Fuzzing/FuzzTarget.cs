using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SftpKit.Tests.Reliability.Fuzzing;

/// <summary>
/// One parser under fuzzing: its seed corpus (valid messages), how one input is run, and which exceptions are its
/// documented answers to bad input. Anything else escaping, a run past the time limit, or allocation past
/// <see cref="AllocationCap"/> is a failure.
/// </summary>
internal abstract class FuzzTarget
{
    public abstract string Name { get; }

    /// <summary>Valid inputs the mutator starts from; each is also run unmutated first.</summary>
    public abstract IReadOnlyList<byte[]> BuildSeeds();

    /// <summary>
    /// Runs one input. Synchronous targets (<see cref="IsSynchronous"/>) do all their work on the calling thread, so
    /// their allocation is measured per thread; asynchronous ones are measured process-wide.
    /// </summary>
    public abstract Task RunAsync(byte[] input, CancellationToken cancellationToken);

    public virtual bool IsSynchronous => false;

    /// <summary>Bytes one input may allocate. Inputs are at most a few KiB; a parser trusting a length field is not.</summary>
    public virtual long AllocationCap => 32L * 1024 * 1024;

    /// <summary>The documented protocol/format exceptions of this parser.</summary>
    public virtual bool IsExpected(Exception exception) => exception is SftpKit.Ssh.SshProtocolException;

    /// <summary>Splits <c>uint32 length || bytes</c> records; a length past the end takes what is left.</summary>
    public static List<byte[]> SplitRecords(byte[] input)
    {
        var records = new List<byte[]>();
        int offset = 0;
        while (offset + 4 <= input.Length)
        {
            int length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(input.AsSpan(offset)), (uint)(input.Length - offset - 4));
            records.Add(input.AsSpan(offset + 4, length).ToArray());
            offset += 4 + length;
        }
        return records;
    }

    public static byte[] JoinRecords(IEnumerable<byte[]> records)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var record in records)
        {
            BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), (uint)record.Length);
            output.Advance(4);
            output.Write(record);
        }
        return output.WrittenSpan.ToArray();
    }
}

/// <summary>What a fuzz run found: inputs tried and the failing inputs (kept on disk for regression tests).</summary>
internal sealed record FuzzReport(string Target, int Inputs, IReadOnlyList<string> Failures, TimeSpan Elapsed);

/// <summary>Runs a target over its seeds and then mutated inputs, with a per-input time limit and allocation cap.</summary>
internal static class FuzzRunner
{
    public static readonly TimeSpan PerInputTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Where failing inputs are written: <c>SFTPKIT_FUZZ_FAILURES</c>, else a temp directory.</summary>
    public static string FailureDirectory =>
        Environment.GetEnvironmentVariable("SFTPKIT_FUZZ_FAILURES") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "sftpkit-fuzz-failures");

    public static async Task<FuzzReport> RunAsync(FuzzTarget target, int count, int seed, int maxFailures = 5)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var seeds = target.BuildSeeds();
        var mutator = new FuzzMutator(seed, seeds);
        var failures = new List<string>();
        int run = 0;
        for (; run < count && failures.Count < maxFailures; run++)
        {
            byte[] input = run < seeds.Count ? seeds[run] : mutator.Next();
            string? failure = await RunOneAsync(target, input);
            if (failure is not null)
            {
                failures.Add($"input {run} (seed {seed}) saved as {Save(target, input)}: {failure}");
            }
        }
        return new FuzzReport(target.Name, run, failures, started.Elapsed);
    }

    /// <summary>Runs one input; null when the target handled it within its bounds, else what went wrong.</summary>
    public static async Task<string?> RunOneAsync(FuzzTarget target, byte[] input)
    {
        using var cts = new CancellationTokenSource(PerInputTimeout);
        long before = GC.GetTotalAllocatedBytes(precise: false);
        Task<long> work = target.IsSynchronous
            ? Task.Run(async () =>
            {
                long start = GC.GetAllocatedBytesForCurrentThread();
                await target.RunAsync(input, cts.Token);
                return GC.GetAllocatedBytesForCurrentThread() - start;
            })
            : Task.Run(async () =>
            {
                await target.RunAsync(input, cts.Token);
                return -1L;
            });
        long allocated;
        try
        {
            allocated = await work.WaitAsync(PerInputTimeout + TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            return "hang: no answer within " + PerInputTimeout.TotalSeconds + " s";
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return "hang: cancelled by the per-input time limit";
        }
        catch (Exception ex) when (target.IsExpected(ex))
        {
            allocated = -1;
        }
        catch (Exception ex)
        {
            return "unexpected " + ex;
        }
        if (allocated < 0)
        {
            allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
        }
        return allocated > target.AllocationCap ? $"allocated {allocated} bytes (cap {target.AllocationCap})" : null;
    }

    private static string Save(FuzzTarget target, byte[] input)
    {
        string dir = Path.Combine(FailureDirectory, target.Name);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant() + ".bin");
        File.WriteAllBytes(path, input);
        return path;
    }
}
