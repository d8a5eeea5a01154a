using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;

namespace SftpKit.Hosting;

/// <summary>
/// <see cref="ISftpServerHealth"/> over the running server, the account store and the registered probes (see the
/// interface for what each check means).
/// </summary>
internal sealed class SftpServerHealth : ISftpServerHealth
{
    /// <summary>The user name the store lookup asks for; the answer does not matter, only that the store answers.</summary>
    internal const string ProbeUserName = "sftpkit-health-probe";

    private readonly IServiceProvider _services;

    public SftpServerHealth(IServiceProvider services) => _services = services;

    public SftpHealthReport CheckLiveness()
    {
        var server = _services.GetService<SftpServer>();
        var entry = server is null || server.AcceptLoopsRunning
            ? new SftpHealthEntry("accept_loops", true, "Running.")
            : new SftpHealthEntry("accept_loops", false, "An accept loop ended without a stop.");
        return new SftpHealthReport(entry.IsHealthy, [entry]);
    }

    public async Task<SftpHealthReport> CheckReadinessAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<SftpHealthEntry> { CheckListeners() };
        var probes = new List<(string Name, Func<CancellationToken, Task> Probe)>();
        if (_services.GetService<ISftpUserStore>() is { } store)
        {
            probes.Add(("account_store", ct => store.FindAsync(ProbeUserName, ct).AsTask()));
        }
        foreach (var probe in _services.GetServices<ISftpReadinessProbe>())
        {
            probes.Add((probe.Name, probe.ProbeAsync));
        }
        entries.AddRange(await Task.WhenAll(probes.Select(p => RunAsync(p.Name, p.Probe, cancellationToken))).ConfigureAwait(false));
        return new SftpHealthReport(entries.TrueForAll(e => e.IsHealthy), entries);
    }

    private SftpHealthEntry CheckListeners()
    {
        if (_services.GetService<SftpServer>() is { Stopping: true })
        {
            return new SftpHealthEntry("listeners", false, "The server is stopping.");
        }
        var server = _services.GetService<ISftpServer>();
        return server is null || server.EndPoints.Count == 0
            ? new SftpHealthEntry("listeners", false, "The SFTP server is not listening.")
            : new SftpHealthEntry("listeners", true, "Listening on " + string.Join(", ", server.EndPoints) + ".");
    }

    private static async Task<SftpHealthEntry> RunAsync(string name, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SftpHealth.ProbeTimeout);
        try
        {
            await probe(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
            return new SftpHealthEntry(name, true, "Answers.");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new SftpHealthEntry(name, false, "Did not answer in time.", ex);
        }
#pragma warning disable CA1031 // Whatever a dependency throws means "not ready"; the exception goes with the report.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return new SftpHealthEntry(name, false, "Did not answer.", ex);
        }
    }
}
