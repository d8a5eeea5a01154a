using System.Data;
using System.Data.Common;
using System.Diagnostics;

namespace SftpKit.Providers.Sql;

/// <summary>
/// The store's spans, on SftpKit's one source (<see cref="SftpKitActivitySource.Name"/>): <c>sql.connection</c>
/// (client kind) from opening a store connection to closing it (one unit of store work: a lookup, an update, a
/// transaction), tagged <c>db.system</c> (sqlite, postgresql, mysql); under the login or SFTP request that used the
/// store. No statement text, parameter or connection string is tagged. Nothing is made when nobody listens.
/// </summary>
internal static class SqlTelemetry
{
    private static readonly ActivitySource Source = new(SftpKitActivitySource.Name, typeof(SqlTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of <paramref name="connection"/>'s use; it ends when the connection closes or is disposed.</summary>
    public static Activity? Start(DbConnection connection, SqlProvider provider)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var previous = Activity.Current;
        var span = Source.StartActivity("sql.connection", ActivityKind.Client);
        if (span is null)
        {
            return null;
        }
        // The span outlives this call: it must not stay current in the caller's flow.
        Activity.Current = previous;
        span.SetTag("db.system", provider switch
        {
            SqlProvider.Sqlite => "sqlite",
            SqlProvider.PostgreSql => "postgresql",
            _ => "mysql",
        });
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == ConnectionState.Closed && e.OriginalState != ConnectionState.Closed)
            {
                End(span);
            }
        };
        connection.Disposed += (_, _) => End(span);
        return span;
    }

    private static void End(Activity span)
    {
        var current = Activity.Current;
        span.Stop();
        Activity.Current = current;
    }
}
