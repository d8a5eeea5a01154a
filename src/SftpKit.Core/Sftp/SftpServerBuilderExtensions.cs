using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SftpKit.Hosting;
using SftpKit.Sftp;

namespace SftpKit;

/// <summary>Registration of the SFTP subsystem.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>
    /// Adds the <c>sftp</c> subsystem. Each session's file system comes from <see cref="ISftpFileSystemProvider"/>
    /// (by default the session pipeline: the login's account, storage, virtual folders, policies and events).
    /// </summary>
    public static ISftpServerBuilder AddSftp(this ISftpServerBuilder builder, Action<SftpSubsystemOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SftpSubsystemOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpSubsystemOptions>, SftpSubsystemOptionsValidator>());
        options.ValidateOnStart();
        builder.Services.AddSessionPipeline();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshSubsystemHandler, SftpSubsystemHandler>());
        return builder;
    }

    /// <summary>Replaces how SFTP sessions get their file system.</summary>
    public static ISftpServerBuilder AddFileSystemProvider<TProvider>(this ISftpServerBuilder builder)
        where TProvider : class, ISftpFileSystemProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISftpFileSystemProvider, TProvider>());
        return builder;
    }
}
