using System.Globalization;

namespace SftpKit.Tests.Reliability.Fuzzing;

/// <summary>Fuzz runs are measured alone: the allocation cap of asynchronous targets counts the whole process.</summary>
[CollectionDefinition("Fuzzing", DisableParallelization = true)]
public sealed class FuzzingCollection;

/// <summary>
/// Seeded mutation fuzzing of every parser a client reaches. CI runs a bounded count per target
/// (<c>SFTPKIT_FUZZ_INPUTS</c>, default 4000; <c>SFTPKIT_FUZZ_SEED</c>, default 1); <c>scripts/fuzz.sh</c> runs millions.
/// Each failing input is written to <see cref="FuzzRunner.FailureDirectory"/>; copied under
/// <c>Reliability/FuzzRegressions/&lt;target&gt;/</c> it becomes a regression test below.
/// </summary>
[Collection("Fuzzing")]
public sealed class FuzzTests
{
    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    internal static FuzzTarget CreateTarget(string name) => name switch
    {
        "packet" => new PacketDecoderTarget(),
        "version" => new VersionLineTarget(),
        "kex" => new KeyExchangeTarget(),
        "userauth" => new UserAuthTarget(),
        "connection" => new ConnectionTarget(),
        "messages" => new SshMessageTarget(),
        "sftp" => new SftpRequestTarget(),
        "scp" => new ScpProtocolTarget(),
        _ => throw new ArgumentException("Unknown fuzz target " + name, nameof(name)),
    };

    private static int Setting(string name, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    [Theory]
    [InlineData("packet", 8)]
    [InlineData("version", 8)]
    [InlineData("kex", 1)]
    [InlineData("userauth", 2)]
    [InlineData("connection", 1)]
    [InlineData("messages", 8)]
    [InlineData("sftp", 2)]
    [InlineData("scp", 2)]
    public async Task Mutated_inputs_end_in_a_documented_error_within_time_and_memory(string name, int weight)
    {
        // Cheap synchronous parsers get more inputs than the ones that run crypto or start handlers per input.
        int count = Setting("SFTPKIT_FUZZ_INPUTS", 2500) * weight / 2;
        int seed = Setting("SFTPKIT_FUZZ_SEED", 1);
        var target = CreateTarget(name);
        var report = await FuzzRunner.RunAsync(target, count, seed);
        (target as IDisposable)?.Dispose();
        _output.WriteLine($"{report.Target}: {report.Inputs} inputs in {report.Elapsed.TotalSeconds:F1} s, {report.Failures.Count} failures");
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures));
        Assert.Equal(count, report.Inputs);
    }

    public static TheoryData<string> Regressions()
    {
        var data = new TheoryData<string>();
        string root = Path.Combine(AppContext.BaseDirectory, "Reliability", "FuzzRegressions");
        foreach (string file in Directory.Exists(root) ? Directory.GetFiles(root, "*.bin", SearchOption.AllDirectories) : [])
        {
            data.Add(Path.GetRelativePath(root, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Regressions))]
    public async Task Every_input_that_once_failed_now_passes(string file)
    {
        string target = Path.GetDirectoryName(file)!;
        byte[] input = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Reliability", "FuzzRegressions", file));
        var fuzzTarget = CreateTarget(target);
        string? failure = await FuzzRunner.RunOneAsync(fuzzTarget, input);
        (fuzzTarget as IDisposable)?.Dispose();
        Assert.True(failure is null, failure);
    }
}
