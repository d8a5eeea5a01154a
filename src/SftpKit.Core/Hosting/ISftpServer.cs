using System.Net;

namespace SftpKit;

/// <summary>The running server, resolvable from DI: its bound endpoints and live connection count.</summary>
public interface ISftpServer
{
    /// <summary>The endpoints actually bound (port 0 resolved); empty until started.</summary>
    IReadOnlyList<EndPoint> EndPoints { get; }

    /// <summary>Number of open connections.</summary>
    int ConnectionCount { get; }
}
