namespace SftpKit;

/// <summary>
/// The live connections of the server (a singleton in DI): list them, look one up, or close one. Every accepted
/// connection is listed from accept until its socket is closed, including connections that have not authenticated
/// yet (<see cref="SftpConnection.UserName"/> is null until then). Connections refused at accept are never listed.
/// </summary>
public interface ISftpConnectionRegistry
{
    /// <summary>Number of live connections.</summary>
    int Count { get; }

    /// <summary>A snapshot of the live connections, oldest first.</summary>
    IReadOnlyList<SftpConnection> GetConnections();

    /// <summary>The live connection with <paramref name="connectionId"/>, or null when there is none.</summary>
    SftpConnection? Find(string connectionId);

    /// <summary>
    /// Ends a connection with SSH_MSG_DISCONNECT (reason SSH_DISCONNECT_BY_APPLICATION, description
    /// "Closed by the server administrator.") and waits until it has ended or <paramref name="cancellationToken"/> fires.
    /// Returns false when no live connection has that id. Running channel handlers see their token cancelled.
    /// </summary>
    Task<bool> CloseAsync(string connectionId, CancellationToken cancellationToken = default);
}
