using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;
using Renci.SshNet;
using SftpKit.Tests.Interop;

namespace SftpKit.Packaging.Tests;

/// <summary>
/// The six packages as a user gets them: <c>dotnet pack</c> of every src project (already built by the solution
/// build) into a temporary feed, checked for README, license, XML docs and symbols; then a fresh console app outside
/// the repository adds <c>SftpKit</c> from that feed (plus the machine's own sources for its dependencies), calls
/// <c>AddSftpServer</c>, runs, and SSH.NET lists and uploads through it. The version is unique per run and the app
/// restores into its own NUGET_PACKAGES folder, so no cache can hold a stale package.
/// </summary>
public sealed class PackageConsumerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] s_projects = ["SftpKit.Core", "SftpKit.Storage.S3", "SftpKit.Storage.Sftp", "SftpKit.Storage.AzureBlob", "SftpKit.Authentication.Ldap", "SftpKit.Events.Email", "SftpKit.Providers.Sql", "SftpKit.AspNetCore", "SftpKit.Testing"];
    private static readonly string[] s_packageIds = ["SftpKit", "SftpKit.Storage.S3", "SftpKit.Storage.Sftp", "SftpKit.Storage.AzureBlob", "SftpKit.Authentication.Ldap", "SftpKit.Events.Email", "SftpKit.Providers.Sql", "SftpKit.AspNetCore", "SftpKit.Testing"];

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "sftpkit-pack-" + Guid.NewGuid().ToString("N")[..12]);
    private Process? _app;

    public void Dispose()
    {
        if (_app is { HasExited: false })
        {
            _app.Kill(entireProcessTree: true);
            _app.WaitForExit(10_000);
        }
        _app?.Dispose();
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Dictionary<string, string> Environment => new()
    {
        ["NUGET_PACKAGES"] = Path.Combine(_temp, "packages"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    private async Task DotnetAsync(TimeSpan timeout, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("dotnet", arguments, environment: Environment, timeout: timeout);
        output.WriteLine($"dotnet {string.Join(' ', arguments)} → {result.ExitCode}");
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Text}\n{result.StandardError}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SftpKit.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("SftpKit.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Packages_carry_docs_and_symbols_and_a_fresh_app_serves_sftp_from_them()
    {
        string root = RepositoryRoot();
        string configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        string version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(1000, 9999)}";
        string feed = Path.Combine(_temp, "feed");
        Directory.CreateDirectory(feed);

        // 1. Pack what the solution build produced (same configuration as this test), with a version no cache has seen.
        foreach (string source in s_projects)
        {
            await DotnetAsync(TimeSpan.FromMinutes(5), "pack", Path.Combine(root, "src", source, source + ".csproj"),
                "-c", configuration, "--no-build", "-o", feed, "-p:Version=" + version);
        }
        foreach (string id in s_packageIds)
        {
            string nupkg = Path.Combine(feed, $"{id}.{version}.nupkg");
            using (var package = ZipFile.OpenRead(nupkg))
            {
                var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
                string assembly = id == "SftpKit" ? "SftpKit" : id;
                Assert.Contains("README.md", entries);
                Assert.Contains($"lib/net10.0/{assembly}.dll", entries);
                Assert.Contains($"lib/net10.0/{assembly}.xml", entries);
                using var nuspecStream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
                var nuspec = XDocument.Load(nuspecStream);
                XNamespace ns = nuspec.Root!.Name.Namespace;
                var metadata = nuspec.Root.Element(ns + "metadata")!;
                Assert.Equal(id, metadata.Element(ns + "id")!.Value);
                Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
                Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
                Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
                Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
                if (id != "SftpKit")
                {
                    var core = metadata.Descendants(ns + "dependency").Single(d => d.Attribute("id")!.Value == "SftpKit");
                    Assert.Equal(version, core.Attribute("version")!.Value);
                }
                else
                {
                    // The test host is a package of its own: the production assembly carries none of it.
                    Assert.DoesNotContain("SftpKit.Testing", TypeNamespaces(package, $"lib/net10.0/{assembly}.dll"));
                }
            }
            using var symbols = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.snupkg"));
            Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{(id == "SftpKit" ? "SftpKit" : id)}.pdb");
        }

        // 2. A fresh console app outside the repository, with the feed as one more source (the machine's stay).
        string app = Path.Combine(_temp, "app");
        await DotnetAsync(TimeSpan.FromMinutes(3), "new", "console", "-o", app, "-n", "PackagedSftp", "--framework", "net10.0", "--no-update-check");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        string project = Path.Combine(app, "PackagedSftp.csproj");
        await DotnetAsync(TimeSpan.FromMinutes(10), "add", project, "package", "SftpKit", "--version", version);
        await DotnetAsync(TimeSpan.FromMinutes(10), "add", project, "package", "Microsoft.Extensions.Hosting", "--version", HostingVersion(root));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using System.Net;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using SftpKit;
            using SftpKit.Accounts;

            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddSftpServer(o =>
                {
                    o.Listen(IPAddress.Loopback, 0);
                    o.HostKeyDirectory = Path.Combine(AppContext.BaseDirectory, "keys");
                })
                .AddInMemoryUserStore(new SftpAccount { UserName = "demo", PasswordHash = SftpPasswordHasher.Hash("demo-password"), HomeDirectory = args[0] })
                .AddSftp();
            using var host = builder.Build();
            await host.StartAsync();
            Console.WriteLine("LISTENING " + ((IPEndPoint)host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port);
            await host.WaitForShutdownAsync();
            """);
        await DotnetAsync(TimeSpan.FromMinutes(10), "build", project, "-c", "Release", "-o", Path.Combine(app, "out"));

        // The app references the package, not the repository's projects.
        string assets = await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"SftpKit/{version}\"", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\": \"project\"", assets, StringComparison.Ordinal);

        // 3. Run it and use it with a real client.
        string home = Path.Combine(_temp, "home");
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "seeded.txt"), "seeded");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(app, "out", "PackagedSftp.dll"));
        info.ArgumentList.Add(home);
        _app = Process.Start(info)!;
        _app.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.WriteLine("app stderr: " + e.Data); } };
        _app.BeginErrorReadLine();
        int port = 0;
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (port == 0)
            {
                string? line = await _app.StandardOutput.ReadLineAsync(wait.Token);
                Assert.True(line is not null, "the app exited before listening");
                if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
                {
                    port = int.Parse(line["LISTENING ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        using var client = new SftpClient("127.0.0.1", port, "demo", "demo-password");
        client.HostKeyReceived += (_, e) => e.CanTrust = true; // the app generated its key a moment ago, on loopback
        client.OperationTimeout = TimeSpan.FromSeconds(30);
        await client.ConnectAsync(CancellationToken.None);
        using (var upload = new MemoryStream(Encoding.UTF8.GetBytes("uploaded through the package")))
        {
            await client.UploadFileAsync(upload, "/hello.txt", CancellationToken.None);
        }
        var names = new List<string>();
        await foreach (var entry in client.ListDirectoryAsync("/", CancellationToken.None))
        {
            names.Add(entry.Name);
        }
        client.Disconnect();
        Assert.Contains("seeded.txt", names);
        Assert.Contains("hello.txt", names);
        Assert.Equal("uploaded through the package", await File.ReadAllTextAsync(Path.Combine(home, "hello.txt")));
    }

    /// <summary>The namespaces of the types <paramref name="entry"/> (an assembly inside <paramref name="package"/>) defines.</summary>
    private static HashSet<string> TypeNamespaces(ZipArchive package, string entry)
    {
        using var copy = new MemoryStream();
        using (var stream = package.GetEntry(entry)!.Open())
        {
            stream.CopyTo(copy);
        }
        copy.Position = 0;
        using var pe = new PEReader(copy);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeDefinitions.Select(h => metadata.GetString(metadata.GetTypeDefinition(h).Namespace)).ToHashSet(StringComparer.Ordinal);
    }

    private static string HostingVersion(string root)
    {
        var props = XDocument.Load(Path.Combine(root, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").Single(e => e.Attribute("Include")?.Value == "Microsoft.Extensions.Hosting").Attribute("Version")!.Value;
    }
}
