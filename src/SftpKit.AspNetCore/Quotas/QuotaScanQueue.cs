using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.Policies;

namespace SftpKit.AspNetCore.Quotas;

/// <summary>State of a quota scan.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SftpQuotaScanState>))]
public enum SftpQuotaScanState
{
    /// <summary>The scan is walking the account's storage.</summary>
    Running,
    /// <summary>The scan finished and stored the usage.</summary>
    Completed,
    /// <summary>The scan failed (the reason is in the server log, event 8032).</summary>
    Failed,
}

/// <summary>A quota scan of one account, as the scan status endpoints report it.</summary>
/// <param name="UserName">The account scanned.</param>
/// <param name="State">Running, completed or failed.</param>
/// <param name="StartedAt">When the scan started (UTC).</param>
/// <param name="CompletedAt">When it ended (UTC); null while running.</param>
/// <param name="UsedSize">Bytes found (files of folders with their own quota excluded); null until completed.</param>
/// <param name="UsedFiles">Files found; null until completed.</param>
/// <param name="Error">A generic failure text; details are in the server log.</param>
public sealed record SftpQuotaScanStatus(string UserName, SftpQuotaScanState State, DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt, long? UsedSize, long? UsedFiles, string? Error);

/// <summary>
/// Runs quota scans in the background, one per account at a time and at most
/// <see cref="SftpAdminOptions.MaxConcurrentQuotaScans"/> at once, and remembers the last
/// <see cref="SftpAdminOptions.QuotaScanHistory"/> finished ones. Scans are cancelled when the host stops.
/// </summary>
internal sealed class QuotaScanQueue
{
    private readonly AccountJobBoard<SftpQuotaScanStatus> _scans;
    private readonly IServiceProvider _services;
    private readonly AdminServices _admin;
    private readonly TimeProvider _clock;

    public QuotaScanQueue(IServiceProvider services, AdminServices admin)
    {
        _services = services;
        _admin = admin;
        _clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _scans = new(s => s.State == SftpQuotaScanState.Running, () => admin.Options.MaxConcurrentQuotaScans, () => admin.Options.QuotaScanHistory);
    }

    public JobStart TryStart(string userName, string? actor, out SftpQuotaScanStatus? status)
    {
        var start = _scans.TryStart(userName, () => new SftpQuotaScanStatus(userName, SftpQuotaScanState.Running, _clock.GetUtcNow(), null, null, null, null), out status);
        if (start != JobStart.Started)
        {
            return start;
        }
        var started = status!;
        AdminLog.QuotaScanStarted(_admin.Logger, userName, actor);
        var stopping = _services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        _ = Task.Run(() => RunAsync(started, stopping), CancellationToken.None);
        return JobStart.Started;
    }

    public SftpQuotaScanStatus? Get(string userName) => _scans.Get(userName);

    public IReadOnlyList<SftpQuotaScanStatus> List() =>
        _scans.List(all => all.OrderBy(s => s.StartedAt).ThenBy(s => s.UserName, StringComparer.Ordinal));

    private async Task RunAsync(SftpQuotaScanStatus started, CancellationToken stopping)
    {
        SftpQuotaScanStatus done;
        try
        {
            var manager = _services.GetRequiredService<SftpQuotaManager>();
            var usage = await manager.ScanAsync(started.UserName, stopping);
            done = usage is { } u
                ? started with { State = SftpQuotaScanState.Completed, CompletedAt = _clock.GetUtcNow(), UsedSize = u.Size, UsedFiles = u.Files }
                : started with { State = SftpQuotaScanState.Failed, CompletedAt = _clock.GetUtcNow(), Error = "The account no longer exists." };
            if (usage is { } found)
            {
                AdminLog.QuotaScanCompleted(_admin.Logger, started.UserName, found.Size, found.Files);
            }
        }
        catch (Exception ex)
        {
            AdminLog.QuotaScanFailed(_admin.Logger, started.UserName, ex);
            done = started with { State = SftpQuotaScanState.Failed, CompletedAt = _clock.GetUtcNow(), Error = "The scan failed; see the server log." };
        }
        _scans.Finish(started.UserName, done);
    }
}
