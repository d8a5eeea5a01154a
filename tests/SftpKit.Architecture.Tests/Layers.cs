namespace SftpKit.Architecture.Tests;

/// <summary>A rule: no type of a <see cref="From"/> layer references a type of a <see cref="To"/> layer.</summary>
/// <param name="Description">What the rule says, as docs/architecture.md words it.</param>
/// <param name="From">The layers the rule constrains.</param>
/// <param name="To">The layers they must not reference.</param>
public sealed record LayerRule(string Description, IReadOnlySet<string> From, IReadOnlySet<string> To)
{
    /// <summary>Whether an edge from <paramref name="from"/> to <paramref name="to"/> breaks this rule.</summary>
    public bool Forbids(string from, string to) => from != to && From.Contains(from) && To.Contains(to);
}

/// <summary>
/// SftpKit's layers and the rules between them (docs/architecture.md). A type's layer is the namespace segment after
/// <c>SftpKit.</c> in SftpKit.Core (namespaces equal folders, so <c>SftpKit.Ssh.Transport</c> is in Ssh and
/// <c>SftpKit.Hosting.ProxyProtocol</c> in Hosting), or, for a type of a namespace that names no layer (the root
/// namespace <c>SftpKit</c>, <c>Microsoft.Extensions.DependencyInjection</c>), the folder that declares it; each other
/// package is one layer.
/// </summary>
public static class Layers
{
    /// <summary>The assembly of the SftpKit package (src/SftpKit.Core).</summary>
    public const string CoreAssembly = "SftpKit";

    /// <summary>The protocol-free base at the bottom of SftpKit.Core: every layer may use it, it uses none.</summary>
    public static readonly IReadOnlySet<string> Base = Set("Networking", "Sessions");

    /// <summary>The layers of SftpKit.Core, named by their folder.</summary>
    public static readonly IReadOnlySet<string> Core = Set(
        "Networking", "Sessions", "Ssh", "Sftp", "Scp", "Commands", "FileSystem", "Accounts", "Policies", "Events", "Hosting", "Admin");

    /// <summary>The other packages, each one layer, by assembly name.</summary>
    public static readonly IReadOnlyDictionary<string, string> Packages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SftpKit.Storage.S3"] = "Storage.S3",
        ["SftpKit.Storage.Sftp"] = "Storage.Sftp",
        ["SftpKit.Storage.AzureBlob"] = "Storage.AzureBlob",
        ["SftpKit.Authentication.Ldap"] = "Authentication.Ldap",
        ["SftpKit.Events.Email"] = "Events.Email",
        ["SftpKit.Providers.Sql"] = "Providers.Sql",
        ["SftpKit.AspNetCore"] = "AspNetCore",
        ["SftpKit.Testing"] = "Testing",
    };

    /// <summary>
    /// Types of a namespace that names no layer whose source is split across the folders of several layers, placed
    /// by hand. Each entry must still be split that way (the test fails on a stale entry).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SplitTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The builder's extension methods (AddSftp, AddScp, AddEventHandler, AddUserStore, ...) are one partial class
        // whose parts sit beside what each registers; registering a layer with the builder is composition.
        ["SftpKit.SftpServerBuilderExtensions"] = "Hosting",
    };

    /// <summary>The layers Hosting composes: none of them may know Hosting or Admin.</summary>
    public static readonly IReadOnlySet<string> BelowHosting = Set(
        "Networking", "Sessions", "Ssh", "Sftp", "Scp", "Commands", "FileSystem", "Accounts", "Policies", "Events");

    /// <summary>The protocol layers.</summary>
    public static readonly IReadOnlySet<string> Protocol = Set("Ssh", "Sftp", "Scp", "Commands");

    /// <summary>The rules every dependency edge is checked against.</summary>
    public static readonly IReadOnlyList<LayerRule> Rules =
    [
        new("nothing below Hosting depends on Hosting or Admin", BelowHosting, Set("Hosting", "Admin")),
        new("Ssh depends on no subsystem, file system, account, policy, event or admin layer",
            Set("Ssh"), Set("Sftp", "Scp", "Commands", "FileSystem", "Accounts", "Policies", "Events", "Admin")),
        new("FileSystem, Accounts, Policies, Events, the base and the storage and SQL packages depend on no protocol layer",
            Set("Networking", "Sessions", "FileSystem", "Accounts", "Policies", "Events", "Storage.S3", "Storage.Sftp", "Storage.AzureBlob", "Providers.Sql"), Protocol),
        new("Sftp, Scp and Commands run on a session's file system and know no account, policy or event",
            Set("Sftp", "Scp", "Commands"), Set("Accounts", "Policies", "Events")),
        new("FileSystem depends on no account, policy or event", Set("FileSystem"), Set("Accounts", "Policies", "Events")),
        new("the base depends on no other layer", Base, new HashSet<string>(Core.Except(Base), StringComparer.Ordinal)),
        new("Testing is used only by tests",
            new HashSet<string>(Core.Concat(Packages.Values).Where(l => l != "Testing"), StringComparer.Ordinal), Set("Testing")),
    ];

    /// <summary>The rules an edge from <paramref name="from"/> to <paramref name="to"/> breaks.</summary>
    public static IEnumerable<LayerRule> Broken(string from, string to) => Rules.Where(r => r.Forbids(from, to));

    private static HashSet<string> Set(params string[] layers) => new(layers, StringComparer.Ordinal);
}
