using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore;

namespace SftpKit.Server;

/// <summary>
/// First start: when the admin store holds no admin, creates <c>admin</c> with every permission and a password from
/// <c>SFTPKIT_ADMIN_PASSWORD</c> or, when that is unset, a random one printed once to stdout (never logged).
/// There is no fixed default password.
/// </summary>
internal static class AdminBootstrap
{
    public const string AdminName = "admin";
    public const string PasswordVariable = "SFTPKIT_ADMIN_PASSWORD";

    /// <summary>The line that carries a generated password starts with this text.</summary>
    public const string PasswordLinePrefix = "SftpKit initial admin password: ";

    public static async Task EnsureAdminAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ISftpAdminStore>();
        await foreach (var _ in store.ListAsync(cancellationToken))
        {
            return;
        }
        string? password = Environment.GetEnvironmentVariable(PasswordVariable);
        bool generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            // 18 random bytes: 24 base64url characters, 144 bits.
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        }
        await store.CreateAsync(new SftpAdmin
        {
            UserName = AdminName,
            PasswordHash = SftpPasswordHasher.Hash(password!),
            Permissions = ["*"],
            Description = "created on first start",
        }, cancellationToken);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(SampleLog.Category);
        SampleLog.InitialAdminCreated(logger, AdminName, generated ? "one-time password printed on stdout" : $"password from {PasswordVariable}");
        if (generated)
        {
            Console.Out.WriteLine($"{PasswordLinePrefix}{password} (user \"{AdminName}\"; shown once, change it with PUT /api/v2/admins/{AdminName})");
            Console.Out.Flush();
        }
    }
}
