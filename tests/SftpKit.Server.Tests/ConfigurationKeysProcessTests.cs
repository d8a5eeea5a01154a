using System.Text.Json.Nodes;

namespace SftpKit.Server.Tests;

/// <summary>
/// Unknown configuration keys: reported at start with the closest known name, refused in strict mode; the shipped
/// sftpkit.json has none; the published JSON schema is what <c>config-schema</c> generates and the sample file names it.
/// </summary>
public sealed class ConfigurationKeysProcessTests
{
    [Fact]
    public async Task Unknown_key_is_reported_with_the_closest_known_name()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.json"), """{ "SftpKit": { "Limts": { "IdleTimeout": "00:05:00" }, "Defender": { "SafeLst": [] } } }""");
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"]))
        {
            var warnings = server.StandardOutput.Select(SampleServerProcess.TryParse)
                .Where(j => j?["EventId"]?["Name"]?.GetValue<string>() == "UnknownConfigurationKey").ToList();
            Assert.Equal(2, warnings.Count);
            Assert.Contains(warnings, w => w!["Key"]!.GetValue<string>() == "SftpKit:Limts"
                && w["Suggestion"]!.GetValue<string>().Contains("did you mean SftpKit:Limits?", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w!["Key"]!.GetValue<string>() == "SftpKit:Defender:SafeLst"
                && w["Suggestion"]!.GetValue<string>().Contains("SftpKit:Defender:SafeList", StringComparison.Ordinal));
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Strict_configuration_refuses_to_start_with_an_unknown_key()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.json"), """{ "SftpKit": { "StrictConfiguration": true, "Limts": { "IdleTimeout": "00:05:00" } } }""");
        var result = await SampleServerProcess.RunCliAsync(["serve", "--config-dir", dir, "--port", "0", "--address", "127.0.0.1"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean SftpKit:Limits?", result.Text, StringComparison.Ordinal);
        Assert.Contains("StrictConfiguration", result.StandardError, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Shipped_sample_configuration_starts_in_strict_mode()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        File.Copy(Path.Combine(SampleDirectory(), "sftpkit.json"), Path.Combine(dir, "sftpkit.json"));
        var environment = new Dictionary<string, string> { ["SFTPKIT__STRICTCONFIGURATION"] = "true" };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], environment))
        {
            Assert.DoesNotContain(server.StandardOutput, l => l.Contains("\"UnknownConfigurationKey\"", StringComparison.Ordinal));
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Published_schema_is_current_and_referenced_by_the_sample_file()
    {
        var result = await SampleServerProcess.RunCliAsync(["config-schema"]);
        Assert.Equal(0, result.ExitCode);
        string published = await File.ReadAllTextAsync(Path.Combine(SampleDirectory(), "sftpkit.schema.json"));
        Assert.True(published == result.Text,
            "samples/SftpKit.Server/sftpkit.schema.json is out of date: regenerate it with `dotnet samples/SftpKit.Server/bin/Debug/net10.0/SftpKit.Server.dll config-schema > samples/SftpKit.Server/sftpkit.schema.json`.");
        var schema = JsonNode.Parse(published)!;
        var limits = schema["properties"]!["SftpKit"]!["properties"]!["Limits"]!;
        Assert.NotNull(limits["properties"]!["MaxConnectionsPerHost"]);
        Assert.False(limits["additionalProperties"]!.GetValue<bool>());
        string sample = await File.ReadAllTextAsync(Path.Combine(SampleDirectory(), "sftpkit.json"));
        Assert.Contains("\"$schema\": \"./sftpkit.schema.json\"", sample, StringComparison.Ordinal);
    }

    private static string SampleDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SftpKit.sln")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        return Path.Combine(directory.FullName, "samples", "SftpKit.Server");
    }
}
