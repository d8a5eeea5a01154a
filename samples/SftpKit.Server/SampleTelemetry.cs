using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SftpKit.Networking;

namespace SftpKit.Server;

/// <summary>Configuration <c>SftpKit:Metrics:Prometheus</c>: the Prometheus scrape endpoint on the HTTP listener.</summary>
internal sealed class SamplePrometheusOptions
{
    /// <summary>Serve Prometheus text at <see cref="Path"/> (needs <c>SftpKit:Http:Enabled</c>). Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scrape path. Defaults to <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Client networks (addresses or CIDR) allowed to scrape; others get 403. Defaults to loopback only
    /// (<c>127.0.0.0/8</c>, <c>::1</c>). Behind <c>SftpKit:Http:TrustedProxies</c> the forwarded client address counts.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = ["127.0.0.0/8", "::1"];

    /// <summary>
    /// When set, scrapers must also send <c>Authorization: Bearer &lt;token&gt;</c> (401 otherwise). Unset by default.
    /// Set it through the environment (<c>SftpKit__Metrics__Prometheus__BearerToken</c>), not in the file.
    /// </summary>
    public string? BearerToken { get; set; }
}

/// <summary>Configuration <c>SftpKit:Telemetry:Otlp</c>: OTLP export of metrics and traces.</summary>
internal sealed class SampleOtlpOptions
{
    /// <summary>The collector's URL (e.g. <c>http://127.0.0.1:4317</c>); unset (the default) exports nothing.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (the default) or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = "grpc";
}

/// <summary>
/// The sample's OpenTelemetry wiring: SftpKit's meter (<see cref="SftpKitMeter.Name"/>) exported as Prometheus text and,
/// when an OTLP endpoint is configured, metrics and SftpKit's spans (<see cref="SftpKitActivitySource.Name"/>) over OTLP;
/// plus the split health endpoints. With Prometheus off and no OTLP endpoint, no OpenTelemetry provider is registered
/// and the instruments cost nothing.
/// </summary>
internal static class SampleTelemetry
{
    /// <summary>Liveness: the process still serves what it bound.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>Readiness: listeners bound, the account store answering.</summary>
    public const string ReadyPath = "/healthz/ready";

    public static void AddSampleTelemetry(this IServiceCollection services, IConfiguration configuration, bool httpEnabled)
    {
        var prometheus = Prometheus(configuration);
        var otlp = new SampleOtlpOptions();
        configuration.GetSection("SftpKit:Telemetry:Otlp").Bind(otlp);
        bool scrape = httpEnabled && prometheus.Enabled;
        bool export = !string.IsNullOrWhiteSpace(otlp.Endpoint);
        if (!scrape && !export)
        {
            return;
        }
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("sftpkit", serviceVersion: SampleVersion.Version));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(SftpKitMeter.Name);
            if (scrape)
            {
                metrics.AddPrometheusExporter();
            }
            if (export)
            {
                metrics.AddOtlpExporter(o => Configure(o, otlp));
            }
        });
        if (export)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(SftpKitActivitySource.Name).AddOtlpExporter(o => Configure(o, otlp)));
        }
    }

    /// <summary>Maps <c>/healthz/live</c>, <c>/healthz/ready</c> and, when enabled, the scrape endpoint behind its own checks.</summary>
    public static void MapSampleTelemetry(this WebApplication app, IConfiguration configuration)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(SftpHealthChecksBuilderExtensions.LiveTag) });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(SftpHealthChecksBuilderExtensions.ReadyTag) });
        var prometheus = Prometheus(configuration);
        if (!prometheus.Enabled)
        {
            return;
        }
        var allowed = SftpNetworkList.Parse(prometheus.AllowedNetworks);
        byte[]? token = string.IsNullOrEmpty(prometheus.BearerToken) ? null : Encoding.UTF8.GetBytes("Bearer " + prometheus.BearerToken);
        app.MapPrometheusScrapingEndpoint(prometheus.Path, meterProvider: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => Authorize(context, allowed, token) is { } status
                ? Refuse(context, status)
                : next(context)),
            optionsName: null);
    }

    private static SamplePrometheusOptions Prometheus(IConfiguration configuration)
    {
        var options = new SamplePrometheusOptions();
        var section = configuration.GetSection("SftpKit:Metrics:Prometheus");
        section.Bind(options);
        if (section.GetSection(nameof(SamplePrometheusOptions.AllowedNetworks)).Exists())
        {
            // A configured list replaces the default instead of adding to it.
            options.AllowedNetworks = section.GetSection(nameof(SamplePrometheusOptions.AllowedNetworks)).Get<List<string>>() ?? [];
        }
        return options;
    }

    /// <summary>Null when the scraper may read; otherwise the status to answer.</summary>
    private static int? Authorize(HttpContext context, SftpNetworkList allowed, byte[]? token)
    {
        if (context.Connection.RemoteIpAddress is not { } address || !allowed.Contains(address))
        {
            return StatusCodes.Status403Forbidden;
        }
        if (token is null)
        {
            return null;
        }
        byte[] sent = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
        return CryptographicOperations.FixedTimeEquals(sent, token) ? null : StatusCodes.Status401Unauthorized;
    }

    private static Task Refuse(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static void Configure(OtlpExporterOptions options, SampleOtlpOptions otlp)
    {
        options.Endpoint = new Uri(otlp.Endpoint!);
        options.Protocol = string.Equals(otlp.Protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;
    }
}
