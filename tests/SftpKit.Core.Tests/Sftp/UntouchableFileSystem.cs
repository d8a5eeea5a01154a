using System.Reflection;
using SftpKit.FileSystem;

namespace SftpKit.Tests.Sftp;

/// <summary>A file system that records every call made to it and fails each one: proof that a request never reached it.</summary>
public class UntouchableFileSystem : DispatchProxy
{
    private readonly List<string> _calls = [];

    /// <summary>The member names called so far.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public static (IVirtualFileSystem FileSystem, UntouchableFileSystem Recorder) Create()
    {
        var fs = Create<IVirtualFileSystem, UntouchableFileSystem>();
        return (fs, (UntouchableFileSystem)(object)fs);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        lock (_calls)
        {
            _calls.Add(targetMethod?.Name ?? "?");
        }
        throw new InvalidOperationException($"The file system was touched: {targetMethod?.Name}.");
    }
}
