using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;

namespace SftpKit.Scp;

/// <summary>What one <c>scp -t</c> or <c>scp -f</c> run works with: the session's file system, the parsed command
/// line, both directions of the channel, and the log.</summary>
/// <param name="Fs">The session's file system.</param>
/// <param name="Args">The parsed <c>scp</c> command line.</param>
/// <param name="Input">The client's side of the protocol.</param>
/// <param name="Output">Our side of the protocol.</param>
/// <param name="Logger">The log of SCP runs.</param>
/// <param name="ConnectionId">The connection, for the log.</param>
/// <param name="MaxLineLength">The longest control line accepted.</param>
internal sealed record ScpRun(IVirtualFileSystem Fs, ScpArguments Args, ScpInput Input, ScpOutput Output, ILogger Logger, string ConnectionId, int MaxLineLength);
