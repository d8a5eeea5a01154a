using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore;

namespace SftpKit.Server;

/// <summary>
/// <c>admins list|add|resetpwd</c>: the admins of the admin API and WebAdmin, in the store the configuration selects
/// (the SQL database with <c>"AccountStore": "sql"</c>, the default; <c>admins.json</c> in the config directory,
/// <c>SftpKit:Admin:Authentication:StoreFile</c>, with <c>"json"</c>). Passwords come from the first line of stdin
/// (<c>--password-stdin</c>) or an interactive prompt (asked twice), never from the command line. With the SQL store
/// the commands may run while the server serves; the JSON file is read by the server at start only, so stop it first
/// (or restart it after). Exit codes: 0 done, 1 failed (the reason on stderr).
/// </summary>
internal static class AdminsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Build(Option<string> configDir, Option<string?> configFile)
    {
        var admins = new Command("admins", "Manage the admins of the admin API and WebAdmin in the configured store");
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin (else it is prompted for, twice)" };

        var list = new Command("list", "List the admins (a table, or JSON with --json); hashes are never shown");
        var json = new Option<bool>("--json") { Description = "JSON array instead of a table" };
        list.Options.Add(json);
        list.SetAction((parse, ct) => ListAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(json), ct));

        var add = new Command("add", "Create an admin");
        var addName = new Argument<string>("NAME");
        var permission = new Option<string[]>("--permission")
        {
            Description = "A permission (repeatable): * (all, the default for an admin without a role), " + string.Join(", ", SftpAdminPermissions.Names.Skip(1)),
            AllowMultipleArgumentsPerToken = false,
        };
        var role = new Option<string?>("--role") { Description = "Bind the admin to this role (it then manages only that role's accounts; * is not allowed)" };
        var description = new Option<string?>("--description") { Description = "Free text" };
        add.Arguments.Add(addName);
        add.Options.Add(passwordStdin);
        add.Options.Add(permission);
        add.Options.Add(role);
        add.Options.Add(description);
        add.SetAction((parse, ct) => AddAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(addName)!,
            parse.GetValue(passwordStdin), parse.GetValue(permission) ?? [], parse.GetValue(role), parse.GetValue(description), ct));

        var reset = new Command("resetpwd", "Set a new password for an admin who lost theirs, and remove their second factor (TOTP)");
        var resetName = new Argument<string>("NAME");
        var keepTotp = new Option<bool>("--keep-two-factor") { Description = "Keep the admin's second factor" };
        reset.Arguments.Add(resetName);
        reset.Options.Add(passwordStdin);
        reset.Options.Add(keepTotp);
        reset.SetAction((parse, ct) => ResetPasswordAsync(parse.GetValue(configDir)!, parse.GetValue(configFile), parse.GetValue(resetName)!,
            parse.GetValue(passwordStdin), parse.GetValue(keepTotp), ct));

        admins.Subcommands.Add(list);
        admins.Subcommands.Add(add);
        admins.Subcommands.Add(reset);
        return admins;
    }

    private static async Task<int> ListAsync(string configDirectory, string? configFile, bool json, CancellationToken cancellationToken)
    {
        using var host = BuildHost(configDirectory, configFile);
        var store = host.Services.GetRequiredService<ISftpAdminStore>();
        var rows = new List<AdminRow>();
        await foreach (var admin in store.ListAsync(cancellationToken))
        {
            rows.Add(new AdminRow(admin.UserName, admin.Enabled, admin.Role, [.. admin.Permissions], [.. admin.AllowedNetworks], admin.Description));
        }
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(rows, Json));
            return 0;
        }
        string[] header = ["NAME", "ENABLED", "ROLE", "PERMISSIONS", "NETWORKS"];
        var cells = rows.Select(r => new[]
        {
            r.UserName, r.Enabled ? "yes" : "no", r.Role ?? "-", r.Permissions.Count == 0 ? "-" : string.Join(",", r.Permissions),
            r.AllowedNetworks.Count == 0 ? "any" : string.Join(",", r.AllowedNetworks),
        }).Prepend(header).ToList();
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => cells.Max(c => c[i].Length))];
        var table = new StringBuilder();
        foreach (var row in cells)
        {
            table.AppendLine(string.Join("  ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]))));
        }
        Console.Out.Write(table.ToString());
        return 0;
    }

    private static async Task<int> AddAsync(string configDirectory, string? configFile, string name, bool passwordStdin, string[] permissions,
        string? role, string? description, CancellationToken cancellationToken)
    {
        string[] unknown = [.. permissions.Where(p => !SftpAdminPermissions.Names.Contains(p, StringComparer.Ordinal))];
        if (unknown.Length > 0)
        {
            return AccountCommands.Fail($"Unknown permission {string.Join(", ", unknown)}; known: {string.Join(", ", SftpAdminPermissions.Names)}.");
        }
        if (permissions.Length == 0)
        {
            // An admin without a role gets everything by default; one bound to a role the account management.
            permissions = role is null ? [SftpAdminPermissions.All] : [SftpAdminPermissions.ManageUsers];
        }
        if (role is not null && permissions.Intersect(SftpAdminPermissions.UnboundOnly, StringComparer.Ordinal).ToList() is { Count: > 0 } unbound)
        {
            return AccountCommands.Fail($"An admin bound to a role cannot hold {string.Join(", ", unbound)}.");
        }
        using var host = BuildHost(configDirectory, configFile);
        var store = host.Services.GetRequiredService<ISftpAdminStore>();
        if (await store.FindAsync(name, cancellationToken) is not null)
        {
            return AccountCommands.Fail($"Admin {name} already exists.");
        }
        if (role is not null && host.Services.GetService<ISftpRoleStore>() is { } roles && await roles.FindAsync(role, cancellationToken) is null)
        {
            return AccountCommands.Fail($"No role {role}.");
        }
        string? password = ReadNewPassword(passwordStdin, out string? error);
        if (password is null)
        {
            return AccountCommands.Fail(error!);
        }
        var admin = new SftpAdmin
        {
            UserName = name,
            PasswordHash = SftpPasswordHasher.Hash(password),
            Permissions = [.. permissions.Distinct(StringComparer.Ordinal)],
            Role = role,
            Description = description,
        };
        await store.CreateAsync(admin, cancellationToken);
        Console.Out.WriteLine($"Admin {name} created ({string.Join(",", admin.Permissions)}{(role is null ? string.Empty : ", role " + role)}).");
        return 0;
    }

    private static async Task<int> ResetPasswordAsync(string configDirectory, string? configFile, string name, bool passwordStdin, bool keepTotp,
        CancellationToken cancellationToken)
    {
        using var host = BuildHost(configDirectory, configFile);
        var store = host.Services.GetRequiredService<ISftpAdminStore>();
        var admin = await store.FindAsync(name, cancellationToken);
        if (admin is null)
        {
            return AccountCommands.Fail($"No admin {name}.");
        }
        string? password = ReadNewPassword(passwordStdin, out string? error);
        if (password is null)
        {
            return AccountCommands.Fail(error!);
        }
        admin.PasswordHash = SftpPasswordHasher.Hash(password);
        if (!await store.UpdateAsync(admin, cancellationToken))
        {
            return AccountCommands.Fail($"No admin {name}.");
        }
        Console.Out.WriteLine($"Password of admin {name} reset.");
        if (!keepTotp && host.Services.GetService<ISftpCredentialStore>() is { } credentials
            && await credentials.DeleteTotpAsync(SftpCredentialOwner.Admin(name), cancellationToken))
        {
            Console.Out.WriteLine($"Second factor of admin {name} removed.");
        }
        if (!admin.Enabled)
        {
            Console.Out.WriteLine($"Admin {name} is disabled: enable it from another admin's session before it can log in.");
        }
        return 0;
    }

    /// <summary>The first line of stdin, or a prompted password typed twice; null (with the reason) when empty or different.</summary>
    private static string? ReadNewPassword(bool passwordStdin, out string? error)
    {
        error = null;
        string? password;
        if (passwordStdin || Console.IsInputRedirected)
        {
            password = AccountCommands.ReadPasswordLine();
        }
        else
        {
            password = AccountCommands.Prompt("New password: ");
            if (AccountCommands.Prompt("Repeat it: ") != password)
            {
                error = "The passwords differ.";
                return null;
            }
        }
        if (string.IsNullOrEmpty(password))
        {
            error = "The password is empty.";
            return null;
        }
        return password;
    }

    /// <summary>The account commands' host: its admin store is the SQL one or the JSON file (SampleServices).</summary>
    private static IHost BuildHost(string configDirectory, string? configFile) => AccountCommands.BuildHost(configDirectory, configFile, out _);

    private sealed record AdminRow(string UserName, bool Enabled, string? Role, IReadOnlyList<string> Permissions, IReadOnlyList<string> AllowedNetworks, string? Description);
}
