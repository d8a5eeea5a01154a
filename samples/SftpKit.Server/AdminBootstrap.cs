using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore;

namespace SftpKit.Server;

/// <summary>
/// First start: when the admin store holds no admin and <c>SFTPKIT_ADMIN_PASSWORD</c> is set, creates <c>admin</c>
/// with every permission and that password. When it is unset, nothing is created and no password is made up: the
/// WebAdmin offers its one-time setup page (<c>/web/admin/setup</c>, to loopback clients only) and the log says so.
/// There is no fixed default password.
/// </summary>
internal static class AdminBootstrap
{
    public const string AdminName = "admin";
    public const string PasswordVariable = "SFTPKIT_ADMIN_PASSWORD";

    public static async Task EnsureAdminAsync(IServiceProvider services, string webAdminPath, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ISftpAdminStore>();
        await foreach (var _ in store.ListAsync(cancellationToken))
        {
            return;
        }
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(SampleLog.Category);
        string? password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            SampleLog.FirstAdminSetupPending(logger, PasswordVariable, webAdminPath + "/setup");
            return;
        }
        await store.CreateAsync(new SftpAdmin
        {
            UserName = AdminName,
            PasswordHash = SftpPasswordHasher.Hash(password),
            Permissions = ["*"],
            Description = "created on first start",
        }, cancellationToken);
        SampleLog.InitialAdminCreated(logger, AdminName, $"password from {PasswordVariable}");
    }
}
