using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SftpKit.Server;

/// <summary>
/// HTTPS for the admin API and web pages: TLS 1.2 or 1.3 only on every https:// URL; the certificate from
/// <c>SftpKit:Http:Certificate</c> (reloaded when its files change, <see cref="SampleHttpsCertificate"/>); TLS client
/// certificates requested (optional) when <c>SftpKit:Admin:Authentication:ClientCertificates</c> maps any; and
/// <c>Strict-Transport-Security: max-age=...</c> on every response served over TLS (<see cref="SampleHttpOptions.HstsMaxAge"/>).
/// </summary>
internal static class SampleHttps
{
    public static void Configure(WebApplicationBuilder builder, SampleHttpOptions http, SampleConfiguration paths, ILogger logger)
    {
        SampleHttpsCertificate? certificate = null;
        if (http.Certificate.Path is { Length: > 0 } path)
        {
            certificate = new SampleHttpsCertificate(paths.Resolve(path), http.Certificate.KeyPath is { Length: > 0 } key ? paths.Resolve(key) : null,
                http.Certificate.Password, logger);
            // A factory registration, so the host disposes it (and its file watchers) on shutdown.
            builder.Services.AddSingleton(_ => certificate);
        }
        bool clientCertificates = builder.Configuration.GetSection("SftpKit:Admin:Authentication:ClientCertificates").GetChildren().Any();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            if (certificate is not null)
            {
                https.ServerCertificateSelector = (_, _) => certificate.Current;
            }
            if (clientCertificates)
            {
                // Asked for, not required: browsers and token clients still connect. The admin authentication pins each
                // certificate by its SHA-256 fingerprint, so the chain is not judged here and self-signed ones work.
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (_, _, _) => true;
                https.CheckCertificateRevocation = false;
            }
        }));
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = http.HstsMaxAge;
            o.IncludeSubDomains = false;
            o.Preload = false;
            // The defaults skip localhost and loopback addresses; browsers ignore HSTS for IP literals anyway.
            o.ExcludedHosts.Clear();
        });
    }

    /// <summary>Adds the HSTS header to responses over TLS (never over plain http), unless the max-age is zero.</summary>
    public static void Use(WebApplication app, SampleHttpOptions http)
    {
        if (http.HstsMaxAge > TimeSpan.Zero)
        {
            app.UseHsts();
        }
    }
}
