using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using SftpKit.Tests.Interop;

namespace SftpKit.Docs.Tests;

/// <summary>
/// A documentation block built as a program in its own directory and run as a separate <c>dotnet</c> process, as a
/// user would run it: its own console, signals and working directory, nothing shared with the test process. The
/// directory holds the program, a runtimeconfig naming the ASP.NET Core shared framework (which carries the
/// Microsoft.Extensions assemblies), and copies of the non-framework assemblies it needs, found by following
/// assembly references from the program through this test's output directory.
/// </summary>
public sealed class DocProgram : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    private DocProgram(string directory, Process process)
    {
        Directory = directory;
        _process = process;
    }

    /// <summary>The program's directory, also its working directory.</summary>
    public string Directory { get; }

    /// <summary>Standard output and error so far, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Whether the program has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Compiles <paramref name="block"/> (which must compile cleanly) and starts it with <paramref name="arguments"/>.</summary>
    public static DocProgram Start(DocBlock block, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(block);
        const string name = "DocProgram";
        var compilation = DocCompiler.Compile(block, name);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException($"{block.Location} does not compile:\n{DocCompiler.Describe(emitted.Diagnostics)}");
        }
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-doc-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            return Run(directory, name, image.ToArray(), arguments);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    private static DocProgram Run(string directory, string name, byte[] image, string[] arguments)
    {
        string dll = Path.Combine(directory, name + ".dll");
        File.WriteAllBytes(dll, image);
        File.WriteAllText(Path.Combine(directory, name + ".runtimeconfig.json"), RuntimeConfig());
        CopyDependencies(dll, directory);

        var info = new ProcessStartInfo(ProcessRunner.DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var program = new DocProgram(directory, process);
        process.OutputDataReceived += (_, e) => program.Append(e.Data);
        process.ErrorDataReceived += (_, e) => program.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>Waits until the output has a line matching <paramref name="pattern"/>; returns the match.</summary>
    public async Task<System.Text.RegularExpressions.Match> WaitForOutputAsync(string pattern, TimeSpan timeout)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var match = regex.Match(Output);
            if (match.Success)
            {
                return match;
            }
            if (_process.HasExited || deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The program {(_process.HasExited ? $"exited ({_process.ExitCode})" : $"ran {timeout.TotalSeconds:0} s")} "
                    + $"without printing /{pattern}/. Its output:\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left in the temp directory.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_outputLock)
        {
            _output.AppendLine(line);
        }
    }

    private static string RuntimeConfig()
    {
        var version = Environment.Version;
        return $$"""
            {
              "runtimeOptions": {
                "tfm": "net{{version.Major}}.{{version.Minor}}",
                "framework": { "name": "Microsoft.AspNetCore.App", "version": "{{version.Major}}.{{version.Minor}}.0" }
              }
            }
            """;
    }

    // Without a deps.json the host loads every assembly in the program's directory: copy what the program references,
    // transitively, from this test's output (framework assemblies are not there and come from the shared framework).
    private static void CopyDependencies(string program, string directory)
    {
        var pending = new Queue<string>([program]);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (pending.TryDequeue(out string? file))
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                string name = metadata.GetString(metadata.GetAssemblyReference(handle).Name);
                string source = Path.Combine(AppContext.BaseDirectory, name + ".dll");
                if (seen.Add(name) && File.Exists(source))
                {
                    string target = Path.Combine(directory, name + ".dll");
                    File.Copy(source, target);
                    pending.Enqueue(target);
                }
            }
        }
    }
}
