using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace SftpKit.Server;

/// <summary>
/// Running as a service. Under systemd (<c>Type=notify</c>, packaging/systemd/sftpkit.service) the host sends
/// <c>READY=1</c> to <c>NOTIFY_SOCKET</c> once every hosted service has started: the SFTP listeners are bound in the
/// server's StartAsync, and Kestrel's in its own, so "ready" means both accept connections. <c>STOPPING=1</c> goes out
/// when a stop begins. As a Windows service the service control manager starts and stops the host.
/// </summary>
internal static class SampleServiceLifetime
{
    public static void AddServiceLifetime(IServiceCollection services)
    {
        services.AddSystemd();
        services.AddWindowsService();
        // systemd's own detection looks for systemd as the parent process (or PID 1 in a container). A process started
        // by another sd_notify-speaking supervisor (or `systemd-run --wait -p Type=notify`, through a wrapper) only has
        // NOTIFY_SOCKET: notify there too.
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
    }
}
