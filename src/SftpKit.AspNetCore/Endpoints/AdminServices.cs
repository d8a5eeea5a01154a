using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>What every admin endpoint needs besides the server's own services (one singleton).</summary>
internal sealed class AdminServices
{
    public AdminServices(IOptions<SftpAdminOptions> options, ILoggerFactory loggers, IEnumerable<ISftpStorageProvider> providers)
    {
        Options = options.Value;
        Logger = loggers.CreateLogger(AdminLog.Category);
        Validator = new AccountValidator(providers);
    }

    public SftpAdminOptions Options { get; }

    public ILogger Logger { get; }

    public AccountValidator Validator { get; }
}
