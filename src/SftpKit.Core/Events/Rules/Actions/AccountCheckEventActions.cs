using System.Globalization;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;

namespace SftpKit.Events.Rules.Actions;

/// <summary>
/// <see cref="SftpEventActionType.PasswordExpirationCheck"/>: e-mails each enabled account the run applies to whose
/// password (<see cref="SftpAccount.PasswordExpirationDays"/> after <see cref="SftpAccount.PasswordChangedAt"/>) expires
/// within <see cref="SftpEventActionSettings.PasswordExpirationThresholdDays"/> days and has not expired yet, at the
/// address in its <c>email</c> metadata (accounts without one are skipped), through the registered
/// <see cref="ISftpEmailSender"/>. A threshold of 0 notifies nobody. Every account is tried; the action fails afterwards
/// naming those that could not be notified, or at once when mail is due and no sender is registered.
/// </summary>
internal sealed class PasswordExpirationCheckEventAction : ISftpEventActionExecutor
{
    public SftpEventActionType Type => SftpEventActionType.PasswordExpirationCheck;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        int threshold = context.Action.Options.PasswordExpirationThresholdDays;
        if (threshold <= 0)
        {
            return;
        }
        var now = (context.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System).GetUtcNow();
        var failed = new List<string>();
        await foreach (var account in EventActionTargets.AccountsAsync(context, cancellationToken).ConfigureAwait(false))
        {
            if (!account.Enabled || account.PasswordExpirationDays <= 0 || account.PasswordChangedAt is not { } changed
                || !account.Metadata.TryGetValue(SftpGoUserJson.EmailMetadataKey, out string? address) || string.IsNullOrWhiteSpace(address))
            {
                continue;
            }
            var expires = changed.AddDays(account.PasswordExpirationDays);
            if (expires <= now || expires - now > TimeSpan.FromDays(threshold))
            {
                continue;
            }
            var sender = context.Services.GetService(typeof(ISftpEmailSender)) as ISftpEmailSender
                ?? throw new SftpEventActionException("no e-mail sender is registered (AddEventEmail)");
            int days = (int)Math.Ceiling((expires - now).TotalDays);
            var message = new SftpEmailMessage
            {
                To = [address],
                Subject = $"Your password expires in {days} day{(days == 1 ? "" : "s")}",
                Body = string.Create(CultureInfo.InvariantCulture,
                    $"The password of the account {account.UserName} expires on {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC. Please change it before then."),
            };
            try
            {
                await sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (SftpEventActionException)
            {
                failed.Add(account.UserName);
            }
        }
        if (failed.Count > 0)
        {
            throw new SftpEventActionException("password expiration e-mail failed for " + EventActionTargets.List(failed));
        }
    }
}

/// <summary>
/// <see cref="SftpEventActionType.UserExpirationCheck"/>: fails, naming them, when accounts the run applies to are past
/// their <see cref="SftpAccount.ExpiresAt"/>, so a failure action of the rule can notify; succeeds when none is.
/// </summary>
internal sealed class UserExpirationCheckEventAction : ISftpEventActionExecutor
{
    public SftpEventActionType Type => SftpEventActionType.UserExpirationCheck;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = (context.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System).GetUtcNow();
        var expired = new List<string>();
        await foreach (var account in EventActionTargets.AccountsAsync(context, cancellationToken).ConfigureAwait(false))
        {
            if (account.ExpiresAt is { } expiresAt && expiresAt <= now)
            {
                expired.Add(account.UserName);
            }
        }
        if (expired.Count > 0)
        {
            throw new SftpEventActionException("expired accounts: " + EventActionTargets.List(expired));
        }
    }
}

/// <summary>
/// <see cref="SftpEventActionType.UserInactivityCheck"/>: for each account the run applies to, measured from its
/// <see cref="SftpAccount.LastLogin"/> (accounts that never logged in are left alone): deletes it when idle at least
/// <see cref="SftpInactivityActionSettings.DeleteThresholdDays"/> days, else disables it when idle at least
/// <see cref="SftpInactivityActionSettings.DisableThresholdDays"/> days (0 turns a step off). When it disabled or
/// deleted accounts the action fails naming them, so a failure action of the rule can notify.
/// </summary>
internal sealed class UserInactivityCheckEventAction : ISftpEventActionExecutor
{
    public SftpEventActionType Type => SftpEventActionType.UserInactivityCheck;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Action.Options.Inactivity;
        if (settings is null || (settings.DisableThresholdDays <= 0 && settings.DeleteThresholdDays <= 0))
        {
            throw new SftpEventActionException("the inactivity check needs a disable or delete threshold");
        }
        var store = context.Services.GetService(typeof(ISftpUserStore)) as ISftpUserStore
            ?? throw new SftpEventActionException("no account store is registered");
        var now = (context.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System).GetUtcNow();
        var disabled = new List<string>();
        var deleted = new List<string>();
        var candidates = new List<SftpAccount>();
        await foreach (var account in EventActionTargets.AccountsAsync(context, cancellationToken).ConfigureAwait(false))
        {
            if (account.LastLogin is not null)
            {
                candidates.Add(account);
            }
        }
        foreach (var account in candidates)
        {
            var idle = now - account.LastLogin!.Value;
            if (settings.DeleteThresholdDays > 0 && idle >= TimeSpan.FromDays(settings.DeleteThresholdDays))
            {
                if (await store.DeleteAsync(account.UserName, cancellationToken).ConfigureAwait(false))
                {
                    deleted.Add(account.UserName);
                }
            }
            else if (settings.DisableThresholdDays > 0 && idle >= TimeSpan.FromDays(settings.DisableThresholdDays) && account.Enabled)
            {
                account.Enabled = false;
                if (await store.UpdateAsync(account, cancellationToken).ConfigureAwait(false))
                {
                    disabled.Add(account.UserName);
                }
            }
        }
        if (disabled.Count + deleted.Count > 0)
        {
            var parts = new List<string>(2);
            if (disabled.Count > 0)
            {
                parts.Add("disabled " + EventActionTargets.List(disabled));
            }
            if (deleted.Count > 0)
            {
                parts.Add("deleted " + EventActionTargets.List(deleted));
            }
            throw new SftpEventActionException("inactive accounts: " + string.Join("; ", parts));
        }
    }
}
