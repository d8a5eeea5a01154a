using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;
using SftpKit.Events.Rules;
using SftpKit.FileSystem;

namespace SftpKit.Tests.Events.Rules;

/// <summary>Builds action contexts the way the rule engine does, over a real file system.</summary>
internal static class EventActionTestSupport
{
    public static SftpEventActionContext Context(SftpEventAction action, IVirtualFileSystem? fs = null, IServiceProvider? services = null,
        SftpEvent? @event = null, string? userName = "alice", IReadOnlyDictionary<string, string>? placeholders = null, SftpEventRule? rule = null)
        => new(rule ?? new SftpEventRule { Name = "rule", Trigger = SftpEventTrigger.OnDemand }, action, @event, userName,
            placeholders ?? new Dictionary<string, string>(StringComparer.Ordinal), services ?? new ServiceCollection().BuildServiceProvider(),
            fs is null ? null : _ => ValueTask.FromResult(fs));

    public static SftpEventAction FileAction(SftpFileActionSettings settings) => new()
    {
        Name = "fs",
        Type = SftpEventActionType.FileSystem,
        Options = new SftpEventActionSettings { FileSystem = settings },
    };
}

/// <summary>A temporary directory removed at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sftpkit-actions-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative.TrimStart('/'));

    public void Write(string relative, string content)
    {
        string full = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public LocalFileSystem FileSystem() => new(new LocalFileSystemOptions { RootPath = Path });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
