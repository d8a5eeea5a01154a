using System.Diagnostics;

namespace SftpKit;

/// <summary>
/// The name of the <see cref="ActivitySource"/> every SftpKit span is on, in every package. Listen with
/// <c>AddSource(SftpKitActivitySource.Name)</c> in OpenTelemetry or an <see cref="ActivityListener"/>. With no
/// listener, no span is made (a request costs one check of <see cref="ActivitySource.HasListeners"/>).
/// </summary>
/// <remarks>
/// <para>Spans (kind, tags). No span carries a user name, path, key or address; correlate with the logs by
/// <c>sftpkit.connection.id</c>:</para>
/// <list type="bullet">
/// <item><c>sftpkit.connection</c> (server): one per accepted connection, a root span. Tags
/// <c>sftpkit.connection.id</c> (unique within one server), <c>server.port</c> (the listening port),
/// <c>sftpkit.authenticated</c>.</item>
/// <item><c>ssh.kex</c> (internal): each key exchange, a child of the connection. Tags <c>ssh.kex.kind</c>
/// (initial, rekey), <c>ssh.kex.algorithm</c>.</item>
/// <item><c>ssh.auth</c> (internal): each USERAUTH_REQUEST, a child of the connection. Tags <c>ssh.auth.method</c>
/// (bounded like the metric's <c>method</c>), <c>ssh.auth.result</c> (success, failure).</item>
/// <item><c>sftp.&lt;request&gt;</c> (server), e.g. <c>sftp.open</c>, <c>sftp.write</c>, <c>sftp.close</c>,
/// <c>sftp.rename</c>: each SFTP request after INIT, a child of the connection, with the storage calls it makes
/// under it. Tags <c>sftp.request</c>, and <c>sftp.status</c> when it failed with a file-system error.</item>
/// <item><c>s3.&lt;operation&gt;</c> (client), e.g. <c>s3.PutObject</c> (package SftpKit.Storage.S3) and
/// <c>sql.connection</c> (client, package SftpKit.Providers.Sql: from opening a store connection to closing it, tag
/// <c>db.system</c>), under whatever span is current.</item>
/// </list>
/// <para>Event actions add their own spans on the same source (<c>Source</c>, internal to SftpKit).</para>
/// </remarks>
public static class SftpKitActivitySource
{
    /// <summary>The source's name: <c>SftpKit</c> (the same as <see cref="SftpKitMeter.Name"/>).</summary>
    public const string Name = "SftpKit";

    /// <summary>
    /// The one source of SftpKit.Core. Code inside the package (the event rule engine, its actions) starts its spans
    /// here: <c>using var span = SftpKitActivitySource.Source.StartActivity("sftpkit.event_action");</c> — null when
    /// nobody listens, so tag it with <c>span?.SetTag(...)</c>.
    /// </summary>
    internal static readonly ActivitySource Source = new(Name, typeof(SftpKitActivitySource).Assembly.GetName().Version?.ToString());
}
