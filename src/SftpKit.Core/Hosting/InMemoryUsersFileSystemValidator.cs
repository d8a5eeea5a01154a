using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Sftp;

namespace SftpKit.Hosting;

/// <summary>
/// Checks that every user of <see cref="SftpServerOptions.Users"/> has somewhere to keep files when a registered
/// subsystem needs one: with the built-in in-memory authenticator and the built-in <see cref="ISftpFileSystemProvider"/>
/// (registered by <c>AddSftp()</c>, <c>AddScp()</c> and <c>AddHashCommands()</c>), a session's storage is the user's
/// <see cref="SshUser.HomeDirectory"/> on local disk, so a user without one could log in but every SFTP, SCP or
/// hash-command session would fail ("The user has neither a file system nor a home directory."). Reported at start, beside <see cref="SftpServerOptionsValidator"/>'s errors.
/// Nothing is checked when no subsystem asks for a file system, when <c>AddFileSystemProvider&lt;T&gt;()</c> or an
/// account store (<c>AddUserStore</c>) supplies them, or when another authenticator replaces the in-memory one (it
/// does not read <see cref="SftpServerOptions.Users"/>).
/// </summary>
/// <remarks>
/// The decision is read from the service registrations, not from resolved services: resolving the authenticator or a
/// host's provider here could ask for these very options and recurse.
/// </remarks>
internal sealed class InMemoryUsersFileSystemValidator : IValidateOptions<SftpServerOptions>
{
    private readonly IServiceCollection _services;

    public InMemoryUsersFileSystemValidator(IServiceCollection services) => _services = services;

    public ValidateOptionsResult Validate(string? name, SftpServerOptions options)
    {
        if (!UsesHomeDirectories())
        {
            return ValidateOptionsResult.Skip;
        }
        var errors = new List<string>();
        for (int i = 0; i < options.Users.Count; i++)
        {
            var user = options.Users[i];
            if (string.IsNullOrWhiteSpace(user.HomeDirectory))
            {
                errors.Add($"Users[{i}].HomeDirectory is required for user '{user.UserName}': it has neither a file system nor a home "
                    + "directory, and SFTP/SCP sessions of in-memory users run in their home directory. Set HomeDirectory, or "
                    + "supply file systems with AddFileSystemProvider<T>().");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // The last registration of a service is the one resolved.
    private bool UsesHomeDirectories()
    {
        var authenticator = _services.LastOrDefault(d => d.ServiceType == typeof(ISshAuthenticator) && !d.IsKeyedService);
        var fileSystems = _services.LastOrDefault(d => d.ServiceType == typeof(ISftpFileSystemProvider) && !d.IsKeyedService);
        // The session pipeline falls back to the principal's home directory for a login without an account or file system.
        return authenticator?.ImplementationType == typeof(InMemoryAuthenticator)
            && fileSystems?.ImplementationType == typeof(AccountFileSystemProvider);
    }
}
