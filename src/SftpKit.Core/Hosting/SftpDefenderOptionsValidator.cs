using SftpKit.Networking;
using SftpKit.Sessions;

namespace SftpKit.Hosting;

/// <summary>
/// Checks <see cref="SftpServerOptions.Defender"/> and the per-host connection limit. Runs beside
/// <see cref="SftpServerOptionsValidator"/>; the options system reports both validators' errors together.
/// </summary>
internal sealed class SftpDefenderOptionsValidator : SftpOptionsValidator<SftpServerOptions>
{
    protected override void Check(SftpServerOptions options, List<string> errors)
    {
        var defender = options.Defender;
        if (options.Limits.MaxConnectionsPerHost < 0)
        {
            errors.Add("Limits.MaxConnectionsPerHost must not be negative (0 means unlimited).");
        }
        if (defender.Threshold < 1)
        {
            errors.Add("Defender.Threshold must be at least 1.");
        }
        if (defender.ScoreInvalidCredentials < 0 || defender.ScoreUnknownUser < 0 || defender.ScoreLimitExceeded < 0
            || defender.ScoreHandshakeAbandoned < 0)
        {
            errors.Add("Defender.ScoreInvalidCredentials, ScoreUnknownUser, ScoreLimitExceeded and ScoreHandshakeAbandoned must not be negative.");
        }
        if (defender.ObservationTime <= TimeSpan.Zero)
        {
            errors.Add("Defender.ObservationTime must be positive.");
        }
        if (defender.BanTime <= TimeSpan.Zero)
        {
            errors.Add("Defender.BanTime must be positive.");
        }
        if (defender.BanTimeIncrement < 0)
        {
            errors.Add("Defender.BanTimeIncrement must not be negative.");
        }
        if (defender.EntriesSoftLimit < 1 || defender.EntriesHardLimit <= defender.EntriesSoftLimit)
        {
            errors.Add("Defender.EntriesSoftLimit must be at least 1 and Defender.EntriesHardLimit larger than it.");
        }
        if (defender.FailedPasswordDelay < TimeSpan.Zero || defender.FailedPasswordDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add("Defender.FailedPasswordDelay must be between 0 and 1 minute.");
        }
        CheckList(errors, "Defender.SafeList", defender.SafeList);
        CheckList(errors, "Defender.BlockList", defender.BlockList);
    }

    private static void CheckList(List<string> errors, string field, IList<string> entries)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            if (!SftpNetwork.TryParse(entries[i], out _))
            {
                errors.Add($"{field}[{i}] '{entries[i]}' is not an IP address or CIDR network.");
            }
        }
    }
}
