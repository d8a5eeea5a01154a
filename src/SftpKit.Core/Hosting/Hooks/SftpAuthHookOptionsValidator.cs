using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SftpKit.Hosting.Hooks;

/// <summary>
/// Checks <see cref="SftpAuthHookOptions"/> at start: each hook a URL (<c>http</c>/<c>https</c>) or an absolute
/// program path, scopes within the format's bits, positive timeouts and limits, and the hooks still in front of the
/// registered authenticator (no <c>AddUserStore</c>/<c>AddAuthenticator</c> after <c>AddExternalAuthHooks</c>), and an
/// account store registered when the pre-login hook is set.
/// </summary>
internal sealed class SftpAuthHookOptionsValidator : IValidateOptions<SftpAuthHookOptions>
{
    private readonly IServiceCollection _services;

    public SftpAuthHookOptionsValidator(IServiceCollection services) => _services = services;

    public ValidateOptionsResult Validate(string? name, SftpAuthHookOptions options)
    {
        var errors = new List<string>();
        Hook(errors, nameof(options.ExternalAuthHook), options.ExternalAuthHook);
        Hook(errors, nameof(options.PreLoginHook), options.PreLoginHook);
        Hook(errors, nameof(options.CheckPasswordHook), options.CheckPasswordHook);
        Hook(errors, nameof(options.KeyboardInteractiveHook), options.KeyboardInteractiveHook);
        if (options.ExternalAuthScope is < 0 or > 15)
        {
            errors.Add("ExternalAuthScope must be 0 (all) or a sum of 1 (password), 2 (public key), 4 (keyboard-interactive), 8 (TLS certificate).");
        }
        if (options.CheckPasswordScope is < 0 or > 7)
        {
            errors.Add("CheckPasswordScope must be 0 (all) or a sum of 1 (SSH), 2 (FTP), 4 (WebDAV).");
        }
        if (options.HookTimeout <= TimeSpan.Zero || options.KeyboardInteractiveTimeout <= TimeSpan.Zero)
        {
            errors.Add("HookTimeout and KeyboardInteractiveTimeout must be positive.");
        }
        if (options.MaxConcurrentHooks < 1 || options.MaxCachedLogins < 1 || options.MaxResponseBytes < 1024 || options.ExternalAuthCacheTime < 0)
        {
            errors.Add("MaxConcurrentHooks and MaxCachedLogins must be at least 1, MaxResponseBytes at least 1024, ExternalAuthCacheTime not negative.");
        }
        if (!string.IsNullOrEmpty(options.PreLoginHook) && !_services.Any(d => d.ServiceType == typeof(Accounts.ISftpUserStore)))
        {
            errors.Add("PreLoginHook needs an account store (AddUserStore, AddJsonFileUserStore, AddSqlUserStore, ...): the hook's users are saved there.");
        }
        var last = _services.LastOrDefault(d => d.ServiceType == typeof(ISshAuthenticator));
        if (last?.ImplementationFactory?.Target?.GetType().Name != "HookDecoration")
        {
            errors.Add("An authenticator was registered after AddExternalAuthHooks; call AddExternalAuthHooks after AddUserStore/AddAuthenticator.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Hook(List<string> errors, string name, string? value)
    {
        if (string.IsNullOrEmpty(value) || AuthHookRunner.IsUrl(value) && Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            return;
        }
        if (!Path.IsPathFullyQualified(value))
        {
            errors.Add($"{name} must be an http(s) URL or the absolute path of a program.");
        }
    }
}
