using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.Policies;

namespace SftpKit.AspNetCore.Retention;

/// <summary>State of a data retention check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SftpRetentionCheckState>))]
public enum SftpRetentionCheckState
{
    /// <summary>The check is walking the account's storage and deleting expired files.</summary>
    Running,
    /// <summary>The check finished; <see cref="SftpRetentionCheckStatus.Result"/> says what it deleted.</summary>
    Completed,
    /// <summary>The check failed (the reason is in the server log, event 8052).</summary>
    Failed,
}

/// <summary>A retention check of one account, as the retention endpoints report it.</summary>
/// <param name="UserName">The account checked.</param>
/// <param name="State">Running, completed or failed.</param>
/// <param name="StartedAt">When the check started (UTC).</param>
/// <param name="CompletedAt">When it ended (UTC); null while running.</param>
/// <param name="Policies">The policies it applies.</param>
/// <param name="Result">What it deleted (at most 1000 paths listed, all counted); null until completed.</param>
/// <param name="Error">A generic failure text; details are in the server log.</param>
public sealed record SftpRetentionCheckStatus(string UserName, SftpRetentionCheckState State, DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt, IReadOnlyList<SftpRetentionPolicy> Policies, SftpRetentionResult? Result, string? Error);

/// <summary>
/// Runs retention checks in the background, one per account at a time and at most
/// <see cref="SftpAdminOptions.MaxConcurrentRetentionChecks"/> at once, and remembers the last
/// <see cref="SftpAdminOptions.RetentionCheckHistory"/> finished ones. Checks are cancelled when the host stops.
/// </summary>
internal sealed class RetentionCheckQueue
{
    private readonly AccountJobBoard<SftpRetentionCheckStatus> _checks;
    private readonly IServiceProvider _services;
    private readonly AdminServices _admin;
    private readonly TimeProvider _clock;

    public RetentionCheckQueue(IServiceProvider services, AdminServices admin)
    {
        _services = services;
        _admin = admin;
        _clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _checks = new(s => s.State == SftpRetentionCheckState.Running, () => admin.Options.MaxConcurrentRetentionChecks, () => admin.Options.RetentionCheckHistory);
    }

    public JobStart TryStart(string userName, IReadOnlyList<SftpRetentionPolicy> policies, string? actor, out SftpRetentionCheckStatus? status)
    {
        var start = _checks.TryStart(userName,
            () => new SftpRetentionCheckStatus(userName, SftpRetentionCheckState.Running, _clock.GetUtcNow(), null, policies, null, null), out status);
        if (start != JobStart.Started)
        {
            return start;
        }
        var started = status!;
        AdminLog.RetentionCheckStarted(_admin.Logger, userName, actor, policies.Count);
        var stopping = _services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        _ = Task.Run(() => RunAsync(started, stopping), CancellationToken.None);
        return JobStart.Started;
    }

    public SftpRetentionCheckStatus? Get(string userName) => _checks.Get(userName);

    public IReadOnlyList<SftpRetentionCheckStatus> List() =>
        _checks.List(all => all.OrderBy(s => s.StartedAt).ThenBy(s => s.UserName, StringComparer.Ordinal));

    private async Task RunAsync(SftpRetentionCheckStatus started, CancellationToken stopping)
    {
        SftpRetentionCheckStatus done;
        try
        {
            var check = _services.GetRequiredService<SftpRetentionCheck>();
            var result = await check.RunAsync(started.UserName, started.Policies, stopping);
            if (result is null)
            {
                done = started with { State = SftpRetentionCheckState.Failed, CompletedAt = _clock.GetUtcNow(), Error = "The account no longer exists." };
            }
            else
            {
                AdminLog.RetentionCheckCompleted(_admin.Logger, started.UserName, result.DeletedFiles, result.DeletedBytes, result.Errors);
                done = started with { State = SftpRetentionCheckState.Completed, CompletedAt = result.CompletedAt, Result = result };
            }
        }
        catch (Exception ex)
        {
            AdminLog.RetentionCheckFailed(_admin.Logger, started.UserName, ex);
            done = started with { State = SftpRetentionCheckState.Failed, CompletedAt = _clock.GetUtcNow(), Error = "The check failed; see the server log." };
        }
        _checks.Finish(started.UserName, done);
    }
}
