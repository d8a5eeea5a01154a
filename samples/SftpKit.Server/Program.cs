using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit;
using SftpKit.Providers.Sql;
using SftpKit.Server;

// SftpKit sample server. Usage (all optional):
//   --config-dir DIR      directory with sftpkit.json and keys/ (default: ./sftpkit-data, created if missing)
//   --port N              listen port (default 2022, on 0.0.0.0; --address to change)
//   --address IP          listen address
//   --user NAME:PASSWORD  add or update an account in DIR/users.json (repeatable); home directory DIR/home/NAME
//   --authorized-key NAME:PATH  add a public key file (authorized_keys lines) to NAME's account (repeatable)
// Accounts live in DIR/sftpkit.db (SQLite through SftpKit.Providers.Sql; "SftpKit:Sql" in sftpkit.json can point at
// PostgreSQL or MySQL instead), or in DIR/users.json (JsonFileUserStore) when "SftpKit:AccountStore" is "json".
//   --stdio-sftp ROOT     serve one SFTP session on stdin/stdout over ROOT and exit (sftp -D "... --stdio-sftp ROOT")
// Configuration: DIR/sftpkit.json (section "SftpKit"), then environment variables (SftpKit__Limits__IdleTimeout=...).
if (args is ["--stdio-sftp", var stdioRoot])
{
    return await StdioSftp.RunAsync(stdioRoot);
}

var cli = SampleCommandLine.Parse(args);
Directory.CreateDirectory(cli.ConfigDirectory);

var builder = Host.CreateApplicationBuilder(cli.RemainingArgs);
builder.Configuration.AddJsonFile(Path.Combine(cli.ConfigDirectory, "sftpkit.json"), optional: true, reloadOnChange: false);
builder.Configuration.AddEnvironmentVariables();
// Logs are JSON lines on stdout: transfer, command and login records carry elapsed_ms, size_bytes, username, ...
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });

var server = builder.Services.AddSftpServer(options =>
    {
        if (cli.Port is not null || cli.Address is not null)
        {
            options.Endpoints.Clear();
            options.Endpoints.Add(new SshEndpoint { Address = cli.Address ?? "0.0.0.0", Port = cli.Port ?? 2022 });
        }
        if (!Path.IsPathRooted(options.HostKeyDirectory))
        {
            options.HostKeyDirectory = Path.Combine(cli.ConfigDirectory, options.HostKeyDirectory);
        }
    });
if (string.Equals(builder.Configuration["SftpKit:AccountStore"], "json", StringComparison.OrdinalIgnoreCase))
{
    server.AddJsonFileUserStore(Path.Combine(cli.ConfigDirectory, "users.json"));
}
else
{
    server.AddSqlUserStore(sql =>
    {
        if (string.IsNullOrEmpty(sql.ConnectionString))
        {
            sql.Provider = SqlProvider.Sqlite;
            sql.ConnectionString = $"Data Source={Path.GetFullPath(Path.Combine(cli.ConfigDirectory, "sftpkit.db"))}";
        }
    });
}
server
    .AddS3Storage() // accounts with FileSystem.Provider "s3"; defaults from SftpKit:S3
    .AddSftp()
    .AddScp()
    .AddHashCommands()
    .AddCommandHandler<CatCommandHandler>();

var app = builder.Build();
await SampleAccounts.SeedAsync(app.Services, cli);
await app.RunAsync();
return 0;
