namespace SftpKit.Server;

/// <summary>
/// The sample runs socket continuations inline on the runtime's socket engine threads (one per core) unless the
/// environment already sets <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> (set it to <c>0</c> to opt out). An SFTP
/// request then runs from the socket read to the reply's send on one thread, as an OpenSSH session process does, with
/// no thread-pool hand-off: a third of the context switches per small file. SftpKit keeps the long waits off those
/// threads (password hashes and fsync run on the thread pool); storage calls that block (local disk I/O, synchronous
/// SQL) delay the other connections served by the same engine thread while they run. The HTTP listener keeps
/// Kestrel's thread-pool scheduling. Must run before the first socket is created: the runtime reads the variable once.
/// </summary>
internal static class SampleSocketScheduling
{
    /// <summary>The runtime's switch for inline socket completions on Linux and macOS.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
