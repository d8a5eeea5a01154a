namespace SftpKit.Storage.Sftp;

/// <summary>
/// Where and how an account's files are kept on another SFTP server (provider <c>sftp</c>). Per-account settings
/// (<c>SftpFileSystemConfig.Settings</c>, by property name, case-insensitive; lists comma-separated) override the
/// defaults bound from <c>SftpKit:SftpStorage</c>.
/// </summary>
public sealed class SftpRemoteOptions
{
    /// <summary>The remote server's host name or address. Required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The remote server's port. Defaults to 22.</summary>
    public int Port { get; set; } = 22;

    /// <summary>The remote user. Required.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>The remote user's password (a secret: protected at rest by the account store). Password or key required.</summary>
    public string? Password { get; set; }

    /// <summary>The remote user's private key, OpenSSH or PEM text (a secret, protected at rest).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>The private key's passphrase, when it has one (a secret, protected at rest).</summary>
    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>
    /// The remote server's host key fingerprints, as <c>ssh-keygen -lf</c> prints them (<c>SHA256:</c> + base64). At
    /// least one is required: a server presenting any other key is refused and the refusal logged with the key it
    /// presented. Several are allowed for key rotation.
    /// </summary>
    public IList<string> HostKeyFingerprints { get; set; } = [];

    /// <summary>The remote directory every path lives under (absolute). Defaults to <c>/</c>. Must exist.</summary>
    public string BaseDirectory { get; set; } = "/";

    /// <summary>Connections per account file system; operations and open files are spread over them. 1–16, default 2.</summary>
    public int MaxConnections { get; set; } = 2;

    /// <summary>Time allowed to connect and authenticate. Defaults to 15 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Time allowed for one remote operation. Defaults to 30 seconds. An operation that times out closes its connection
    /// (it may be one a NAT or firewall forgot, which still looks connected); the next operation connects afresh.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>SSH keepalive interval on idle connections; zero disables. Defaults to 30 seconds.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes per remote READ/WRITE request. 4 KiB–256 KiB, default 32 KiB (every SFTP server accepts it).</summary>
    public int RequestSize { get; set; } = 32 * 1024;

    /// <summary>A copy.</summary>
    public SftpRemoteOptions Clone()
    {
        var copy = (SftpRemoteOptions)MemberwiseClone();
        copy.HostKeyFingerprints = [.. HostKeyFingerprints];
        return copy;
    }

    /// <summary>Every problem with these options; empty when valid.</summary>
    internal IEnumerable<string> Errors()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return "Host is required.";
        }
        if (Port is < 1 or > 65535)
        {
            yield return "Port must be 1–65535.";
        }
        if (string.IsNullOrWhiteSpace(UserName))
        {
            yield return "UserName is required.";
        }
        if (string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(PrivateKey))
        {
            yield return "Password or PrivateKey is required.";
        }
        if (HostKeyFingerprints.Count == 0 || HostKeyFingerprints.Any(f => HostKeyPin.Normalize(f) is null))
        {
            yield return "HostKeyFingerprints must list at least one SHA256:… fingerprint.";
        }
        if (string.IsNullOrEmpty(BaseDirectory) || BaseDirectory[0] != '/' || BaseDirectory.Split('/').Any(s => s is "." or ".."))
        {
            yield return "BaseDirectory must be an absolute path without . or .. segments.";
        }
        if (MaxConnections is < 1 or > 16)
        {
            yield return "MaxConnections must be 1–16.";
        }
        if (RequestSize is < 4096 or > 256 * 1024)
        {
            yield return "RequestSize must be 4 KiB–256 KiB.";
        }
        if (ConnectTimeout <= TimeSpan.Zero || OperationTimeout <= TimeSpan.Zero || KeepAliveInterval < TimeSpan.Zero)
        {
            yield return "Timeouts must be positive (KeepAliveInterval may be zero).";
        }
    }
}
