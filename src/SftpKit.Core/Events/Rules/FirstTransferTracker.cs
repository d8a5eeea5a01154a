using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;

namespace SftpKit.Events.Rules;

/// <summary>
/// Decides <c>first-upload</c> and <c>first-download</c>: an account's first successful upload (download) ever, as in
/// SFTPGo, where the account records the time of its first upload and download. Here the times are kept in the
/// account's <see cref="SftpAccount.Metadata"/> under <c>first_upload</c> and <c>first_download</c> (Unix
/// milliseconds) and saved through the account store, so they survive restarts. Only consulted when a rule names one
/// of these events; accounts outside an account store never have a first transfer. Checks are serialised in this
/// process (one store read per upload or download while such a rule exists).
/// </summary>
internal sealed class FirstTransferTracker : IDisposable
{
    public const string FirstUploadKey = "first_upload";
    public const string FirstDownloadKey = "first_download";

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public FirstTransferTracker(IServiceProvider services, TimeProvider time)
    {
        _services = services;
        _time = time;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>True when <paramref name="e"/> is the account's first successful upload or download (and records it).</summary>
    public async ValueTask<bool> IsFirstAsync(SftpEvent e, CancellationToken cancellationToken)
    {
        if (e.Status != SftpEventStatus.Ok || e.UserName is not { Length: > 0 } userName
            || e.Kind is not (SftpEventKind.Upload or SftpEventKind.Download)
            || _services.GetService<ISftpUserStore>() is not { } users)
        {
            return false;
        }
        string key = e.Kind == SftpEventKind.Upload ? FirstUploadKey : FirstDownloadKey;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var account = await users.FindAsync(userName, cancellationToken).ConfigureAwait(false);
            if (account is null || account.Metadata.ContainsKey(key))
            {
                return false;
            }
            account.Metadata[key] = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            return await users.UpdateAsync(account, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
