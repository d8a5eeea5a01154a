using System.Diagnostics;

namespace SftpKit.Tests.Interop;

/// <summary>Runs a real client program with a bounded time; the result carries exit code and both outputs.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// The built <paramref name="assemblyName"/>.dll of the solution project in <paramref name="projectDirectory"/>
    /// (e.g. <c>samples/SftpKit.Server</c>), for this test assembly's configuration and target framework.
    /// </summary>
    public static string BuiltAssembly(string projectDirectory, string assemblyName)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // .../tests/PROJECT/bin/CONFIG/TFM
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        var repo = output;
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "SftpKit.sln")))
        {
            repo = repo.Parent;
        }
        if (repo is null)
        {
            throw new InvalidOperationException($"No SftpKit.sln above {AppContext.BaseDirectory}");
        }
        string dll = Path.Combine(repo.FullName, projectDirectory, "bin", configuration, framework, assemblyName + ".dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{assemblyName} not built at {dll}");
    }

    /// <summary>The dotnet host running the tests (to start built assemblies with).</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process
        : "dotnet";

    /// <summary>
    /// Starts a long-running helper process (a server, a proxy) whose output nobody reads: both streams are redirected
    /// and drained, so it never blocks on a full pipe. The caller stops and disposes it.
    /// </summary>
    public static Process StartDrained(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public sealed record Result(int ExitCode, byte[] StandardOutput, string StandardError)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(StandardOutput);
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, byte[]? input = null,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }
        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, cts.Token);
        var readErr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            if (input is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(input, cts.Token);
            }
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
            await copyOut;
            return new Result(process.ExitCode, stdout.ToArray(), await readErr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time.");
        }
        catch (IOException)
        {
            // The client exited before reading all input (e.g. failed login): report what it said.
            await process.WaitForExitAsync(CancellationToken.None);
            return new Result(process.ExitCode, stdout.ToArray(), await readErr);
        }
    }
}
