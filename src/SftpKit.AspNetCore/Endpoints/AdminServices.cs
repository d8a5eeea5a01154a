using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>What every admin endpoint needs besides the server's own services (one singleton).</summary>
internal sealed class AdminServices
{
    public AdminServices(IOptions<SftpAdminOptions> options, ILoggerFactory loggers, IEnumerable<ISftpStorageProvider> providers,
        ISftpRoleStore roles, TimeProvider? time = null)
    {
        Options = options.Value;
        Logger = loggers.CreateLogger(AdminLog.Category);
        Validator = new AccountValidator(providers);
        Roles = roles;
        Time = time ?? TimeProvider.System;
    }

    public SftpAdminOptions Options { get; }

    public ILogger Logger { get; }

    public AccountValidator Validator { get; }

    /// <summary>The roles accounts and admins may name.</summary>
    public ISftpRoleStore Roles { get; }

    /// <summary>The clock password changes are stamped with.</summary>
    public TimeProvider Time { get; }
}
