using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Hosting;
using SftpKit.Commands;
using SftpKit.Scp;
using SftpKit.Sftp;

namespace SftpKit;

/// <summary>Registration of legacy SCP and the shell-free exec commands.</summary>
public static partial class SftpServerBuilderExtensions
{
    /// <summary>
    /// Adds legacy SCP over exec (<c>scp -t</c> / <c>scp -f</c>, used by <c>scp -O</c> and old clients) over the
    /// file system <see cref="ISftpFileSystemProvider"/> gives each user — the same one SFTP sessions see. Remote
    /// wildcards are not expanded (there is no shell).
    /// </summary>
    public static ISftpServerBuilder AddScp(this ISftpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSessionPipeline();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshCommandHandler, ScpCommandHandler>());
        return builder;
    }

    /// <summary>
    /// Adds the exec commands tools such as rclone run without needing a shell: <c>md5sum</c>, <c>sha1sum</c>,
    /// <c>sha256sum</c>, <c>sha384sum</c>, <c>sha512sum</c> (GNU coreutils output), and the probes <c>pwd</c>,
    /// <c>cd</c> and <c>echo</c>. Command lines needing a shell (pipes, <c>;</c>, redirections, substitutions) get
    /// exit status 127.
    /// </summary>
    public static ISftpServerBuilder AddHashCommands(this ISftpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSessionPipeline();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshCommandHandler, ShellFreeCommandHandler>());
        return builder;
    }
}
