using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;
using Serilog;
using SftpKit.Networking;

namespace SftpKit.Server;

/// <summary>The flags of <c>serve</c> (also accepted without the word <c>serve</c>).</summary>
internal sealed record ServeArguments(
    string ConfigDirectory,
    string? ConfigFile,
    int? Port,
    string? Address,
    IReadOnlyList<string> Users,
    IReadOnlyList<string> AuthorizedKeys,
    string? LogFilePath,
    string? LogMaxSize,
    int? LogMaxBackups,
    double? LogMaxAge,
    bool? LogCompress,
    string? LogLevel);

/// <summary>Configuration <c>SftpKit:Http</c>: the admin API's web server.</summary>
internal sealed class SampleHttpOptions
{
    /// <summary>Serve the admin API, <c>/healthz</c> and <c>/openapi/v1.json</c>. Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Kestrel URLs, separated by <c>;</c>. Defaults to <c>http://127.0.0.1:8080</c> (loopback only).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// Reverse proxies (IP addresses or CIDR networks) whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> headers are
    /// trusted, so admins' allowed networks and logs see the real client. Empty by default: the headers are ignored.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>The HTTPS certificate of https:// URLs (PEM or PKCS#12, reloaded when the files change).</summary>
    public SampleHttpCertificateOptions Certificate { get; set; } = new();

    /// <summary>
    /// max-age of the <c>Strict-Transport-Security</c> header sent on every response served over TLS (browsers then
    /// use https:// only for this host for that long). Zero turns the header off. Defaults to 365 days.
    /// </summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>
/// <c>sftpkit serve</c>: SFTP (and SCP, hash commands) on port 2022 and, unless disabled, the admin REST API on
/// http://127.0.0.1:8080 under <c>/api/v2</c>, with <c>/healthz</c> and the OpenAPI document at <c>/openapi/v1.json</c>.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Where the sample maps the WebAdmin.</summary>
    public const string WebAdminPath = "/web/admin";

    /// <summary>Where the account holders' pages are mapped; <c>/</c> redirects there.</summary>
    public const string WebClientPath = "/web/client";

    public static async Task<int> RunAsync(ServeArguments arguments, CancellationToken cancellationToken)
    {
        var preload = new ConfigurationBuilder().AddEnvironmentVariables();
        var paths = SampleConfiguration.Apply(preload, arguments.ConfigDirectory, arguments.ConfigFile);
        var configuration = preload.Build();
        var http = new SampleHttpOptions();
        configuration.GetSection("SftpKit:Http").Bind(http);
        var levelSwitch = new Serilog.Core.LoggingLevelSwitch();
        await using var serilog = SampleLogging.CreateLogger(configuration, SampleLoggingOptions.From(configuration, arguments), paths, levelSwitch);
        using var bootLoggers = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog);
        var bootLogger = bootLoggers.CreateLogger(SampleLog.Category);
        if (!SampleConfigurationCheck.Check(configuration, bootLogger))
        {
            await Console.Error.WriteLineAsync($"Unknown configuration keys (logged above) and {SampleConfigurationCheck.StrictKey} is true: not starting.");
            return 2;
        }

        // The sample reloads its own file through SampleConfigurationReloader (SIGHUP, and a watcher on that one file);
        // the host default (reload appsettings.json) would put a recursive file watcher on the config directory, which
        // holds the SQLite database, so every database write (each login writes a session lease) and every file under a
        // home kept there woke the watcher thread.
        string[] hostArgs = ["--hostBuilder:reloadConfigOnChange=false"];
        IHost host;
        if (http.Enabled)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = paths.ConfigDirectory });
            // The slim builder leaves out Kestrel's HTTPS configuration: an https:// URL with a certificate from
            // configuration (Kestrel:Certificates:Default, Kestrel:Endpoints) needs it.
            builder.WebHost.UseKestrelHttpsConfiguration();
            SampleHttps.Configure(builder, http, paths, bootLogger);
            // HTTP requests stay on the thread pool even when SFTP's socket continuations run inline (SampleSocketScheduling).
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = false);
            builder.Configuration.AddConfiguration(configuration);
            builder.WebHost.UseUrls(http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            AddServices(builder, serilog, paths, arguments);
            SampleServiceSetup.Add(builder, configuration, paths, levelSwitch, arguments.LogLevel is not null, bootLogger);
            // Roles live in the SQL database with the admins (AddSqlAdminStore), or in DIR/roles.json
            // (SftpKit:Admin:RoleStoreFile) with the JSON account store.
            builder.Services.AddSftpAdmin(o => o.RoleStoreFile = paths.Resolve(o.RoleStoreFile is { Length: > 0 } roles ? roles : "roles.json"));
            builder.Services.AddSftpShares();
            // Admins live in the SQL database with the accounts (AddSqlAdminStore in SampleServices), or in
            // DIR/admins.json (SftpKit:Admin:Authentication:StoreFile) with the JSON account store.
            builder.Services.AddSftpAdminAuthentication(o => o.StoreFile = paths.Resolve(o.StoreFile is { Length: > 0 } file ? file : "admins.json"));
            builder.Services.AddSftpWebAdmin();
            builder.Services.AddSftpWebClient();
            builder.Services.AddHealthChecks().AddSftpServerCheck().AddSftpServerHealthChecks();
            builder.Services.AddSampleTelemetry(builder.Configuration, httpEnabled: true);
            builder.Services.AddOpenApi(o => o.AddSftpAdminSecuritySchemes());
            if (http.TrustedProxies.Count > 0)
            {
                builder.Services.Configure<ForwardedHeadersOptions>(o =>
                {
                    o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                    o.KnownProxies.Clear();
                    o.KnownIPNetworks.Clear();
                    // The same rules as every other address list (SftpNetwork); a single address is a /32 or /128.
                    foreach (var proxy in SftpNetworkList.Parse(http.TrustedProxies))
                    {
                        o.KnownIPNetworks.Add(new System.Net.IPNetwork(proxy.BaseAddress, proxy.PrefixLength));
                    }
                });
            }
            var app = builder.Build();
            if (http.TrustedProxies.Count > 0)
            {
                app.UseForwardedHeaders();
            }
            SampleHttps.Use(app, http);
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapSftpAdmin("/api/v2");
            app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = r => r.Name == "sftpkit" });
            app.MapSampleTelemetry(builder.Configuration); // /healthz/live, /healthz/ready, /metrics
            app.MapOpenApi(); // /openapi/v1.json
            app.MapScalarApiReference("/api/docs"); // the same document, rendered
            app.MapSftpWebAdmin(WebAdminPath);
            app.MapSftpWebClient(WebClientPath);
            app.MapSftpShares(WebClientPath + "/pubshares");
            // The account holders' pages are the start page.
            app.MapGet("/", () => Results.Redirect(WebClientPath)).ExcludeFromDescription();
            host = app;
        }
        else
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = hostArgs, ContentRootPath = paths.ConfigDirectory });
            builder.Configuration.AddConfiguration(configuration);
            AddServices(builder, serilog, paths, arguments);
            SampleServiceSetup.Add(builder, configuration, paths, levelSwitch, arguments.LogLevel is not null, bootLogger);
            builder.Services.AddSampleTelemetry(builder.Configuration, httpEnabled: false); // OTLP only
            host = builder.Build();
        }

        using (host)
        {
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(SampleLog.Category);
            if (paths.ConfigFile is { } file)
            {
                SampleLog.ConfigurationFile(logger, file);
            }
            else
            {
                SampleLog.NoConfigurationFile(logger, paths.ConfigDirectory);
                if (paths.UnreadTemplate is { } template)
                {
                    SampleLog.ConfigurationTemplateNotRead(logger, template, paths.ConfigDirectory);
                }
            }
            await SampleAccounts.SeedAsync(host.Services, paths, arguments, logger, cancellationToken);
            if (http.Enabled)
            {
                await AdminBootstrap.EnsureAdminAsync(host.Services, WebAdminPath, cancellationToken);
            }
            else
            {
                SampleLog.AdminApiDisabled(logger);
            }
            await host.StartAsync(cancellationToken);
            var sftp = host.Services.GetRequiredService<ISftpServer>();
            string adminUrls = host is WebApplication web ? string.Join(", ", web.Urls) : "(disabled)";
            string sftpEndpoints = string.Join(", ", sftp.EndPoints);
            SampleLog.ServerStarted(logger, SampleVersion.Version, sftpEndpoints, adminUrls, paths.ConfigDirectory);
            await host.WaitForShutdownAsync(cancellationToken);
        }
        return 0;
    }

    private static void AddServices(IHostApplicationBuilder builder, Serilog.Core.Logger serilog, SampleConfiguration paths, ServeArguments arguments)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(serilog, dispose: false);
        SampleServiceLifetime.AddServiceLifetime(builder.Services);
        builder.Services.AddSampleSftpServer(builder.Configuration, paths, options =>
        {
            if (arguments.Port is not null || arguments.Address is not null)
            {
                options.Endpoints.Clear();
                options.Endpoints.Add(new SshEndpoint { Address = arguments.Address ?? "0.0.0.0", Port = arguments.Port ?? 2022 });
            }
        });
    }
}
