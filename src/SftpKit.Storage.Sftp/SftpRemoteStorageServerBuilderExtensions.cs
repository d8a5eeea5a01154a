using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
using SftpKit.Storage.Sftp;

namespace SftpKit;

/// <summary>Registration of the <c>sftp</c> storage provider (another SFTP server as storage).</summary>
public static class SftpRemoteStorageServerBuilderExtensions
{
    /// <summary>The configuration section the provider's defaults bind from.</summary>
    public const string ConfigurationSection = "SftpKit:SftpStorage";

    /// <summary>
    /// Adds the storage provider <c>sftp</c>: accounts and virtual folders with
    /// <c>FileSystem = { Provider = "sftp", Root = "/remote/dir", Settings = { ["Host"] = ..., ["UserName"] = ...,
    /// ["Password"] = ..., ["HostKeyFingerprints"] = "SHA256:..." } }</c> keep their files on that server. Defaults come
    /// from configuration section <c>SftpKit:SftpStorage</c>, then <paramref name="configure"/>; per-account settings
    /// override both and are checked at login (a misconfigured account cannot log in; the reason is logged).
    /// </summary>
    public static ISftpServerBuilder AddSftpRemoteStorage(this ISftpServerBuilder builder, Action<SftpRemoteOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddSftpKitOptions<SftpRemoteOptions>(ConfigurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpStorageProvider, SftpRemoteStorageProvider>());
        return builder;
    }
}
