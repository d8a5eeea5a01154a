using System.Collections;
using System.Reflection;
using SftpKit.AspNetCore;
using SftpKit.AspNetCore.WebAdmin;
using SftpKit.AspNetCore.WebClient;
using SftpKit.Authentication.Ldap;
using SftpKit.Events;
using SftpKit.Events.Email;
using SftpKit.Events.Rules;
using SftpKit.Hosting.Hooks;
using SftpKit.Policies;
using SftpKit.Providers.Sql;
using SftpKit.Sftp;
using SftpKit.Storage.AzureBlob;
using SftpKit.Storage.S3;
using SftpKit.Storage.Sftp;

namespace SftpKit.Server;

/// <summary>
/// Every key the sample reads under <c>SftpKit</c>, as a tree built by reflection over the options classes bound there
/// (<see cref="Sections"/>) and the keys the sample reads by hand (<see cref="Keys"/>). The unknown-key check
/// (<see cref="SampleConfigurationCheck"/>) and the JSON schema (<see cref="SampleConfigurationSchema"/>) both read it,
/// so a new options section added here is known to both.
/// </summary>
internal sealed class SampleConfigurationModel
{
    /// <summary>Options classes and the section (under <c>SftpKit</c>; empty = <c>SftpKit</c> itself) each binds from.</summary>
    public static readonly (string Path, Type Type)[] Sections =
    [
        ("", typeof(SftpServerOptions)),
        ("Policies", typeof(SftpPolicyOptions)),
        ("Sftp", typeof(SftpSubsystemOptions)),
        ("Events", typeof(SftpEventOptions)),
        ("EventRules", typeof(SftpEventRuleOptions)),
        ("Auth", typeof(SftpAuthHookOptions)),
        ("Auth:Ldap", typeof(LdapAuthenticationOptions)),
        ("Sql", typeof(SqlStoreOptions)),
        ("S3", typeof(S3FileSystemOptions)),
        ("AzureBlob", typeof(AzureBlobFileSystemOptions)),
        ("SftpStorage", typeof(SftpRemoteOptions)),
        ("Smtp", typeof(SftpSmtpOptions)),
        ("Admin", typeof(SftpAdminOptions)),
        ("Admin:Authentication", typeof(SftpAdminAuthenticationOptions)),
        ("WebAdmin", typeof(SftpWebAdminOptions)),
        ("WebClient", typeof(SftpWebClientOptions)),
        ("Http", typeof(SampleHttpOptions)),
        ("Logging", typeof(SampleLoggingOptions)),
        ("Metrics:Prometheus", typeof(SamplePrometheusOptions)),
        ("Telemetry:Otlp", typeof(SampleOtlpOptions)),
    ];

    /// <summary>Keys read by hand: lists, plain values, and <c>Serilog</c> (Serilog's own settings, not checked).</summary>
    public static readonly (string Path, Type Type)[] Keys =
    [
        ("Listen", typeof(List<SshEndpoint>)),
        ("AccountStore", typeof(string)),
        ("UsersFile", typeof(string)),
        ("SecretsKeyFile", typeof(string)),
        ("StrictConfiguration", typeof(bool)),
        ("Events:Http", typeof(List<HttpEventNotificationOptions>)),
        ("Events:Commands", typeof(List<CommandEventActionOptions>)),
        ("Serilog", typeof(object)),
    ];

    private SampleConfigurationModel(NodeKind kind, Type type)
    {
        Kind = kind;
        Type = type;
    }

    public NodeKind Kind { get; }

    /// <summary>The CLR type (for a list or map, the collection's).</summary>
    public Type Type { get; }

    /// <summary>Properties of an object (case-insensitive, as configuration keys are).</summary>
    public SortedDictionary<string, SampleConfigurationModel> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The element of a list or the value of a map.</summary>
    public SampleConfigurationModel? Item { get; private set; }

    /// <summary>The tree of <c>SftpKit</c>.</summary>
    public static SampleConfigurationModel Root()
    {
        var root = FromType(typeof(SftpServerOptions), 0);
        foreach (var (path, type) in Sections.Where(s => s.Path.Length > 0).Concat(Keys))
        {
            var parent = root;
            string[] parts = path.Split(':');
            foreach (string part in parts[..^1])
            {
                if (!parent.Children.TryGetValue(part, out var next))
                {
                    next = new SampleConfigurationModel(NodeKind.Object, typeof(object));
                    parent.Children[part] = next;
                }
                parent = next;
            }
            var node = FromType(type, 0);
            if (parent.Children.TryGetValue(parts[^1], out var existing) && existing.Kind == NodeKind.Object && node.Kind == NodeKind.Object)
            {
                // A section nested in another section's class keeps both sets of keys.
                foreach (var (name, child) in existing.Children)
                {
                    node.Children.TryAdd(name, child);
                }
            }
            parent.Children[parts[^1]] = node;
        }
        return root;
    }

    private static SampleConfigurationModel FromType(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(underlying))
        {
            return new SampleConfigurationModel(NodeKind.Scalar, type);
        }
        if (underlying == typeof(object) || depth > 8)
        {
            return new SampleConfigurationModel(NodeKind.Any, type);
        }
        if (DictionaryValueType(underlying) is { } value)
        {
            return new SampleConfigurationModel(NodeKind.Map, type) { Item = FromType(value, depth + 1) };
        }
        if (ElementType(underlying) is { } element)
        {
            return new SampleConfigurationModel(NodeKind.List, type) { Item = FromType(element, depth + 1) };
        }
        var node = new SampleConfigurationModel(NodeKind.Object, type);
        foreach (var property in underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true } || !IsBindable(property))
            {
                continue;
            }
            node.Children[property.Name] = FromType(property.PropertyType, depth + 1);
        }
        return node;
    }

    /// <summary>What the configuration binder can fill: a settable property, or a get-only collection or object it fills in place.</summary>
    private static bool IsBindable(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (typeof(Delegate).IsAssignableFrom(type) || type == typeof(TimeProvider) || type == typeof(Type))
        {
            return false;
        }
        if (property.SetMethod is { IsPublic: true })
        {
            return !type.IsAbstract || type.IsInterface && (DictionaryValueType(type) is not null || ElementType(type) is not null);
        }
        return !IsScalar(type) && (DictionaryValueType(type) is not null || ElementType(type) is not null || type.IsClass && !type.IsAbstract);
    }

    public static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri) || type == typeof(byte[]);

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[1];
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (!typeof(IEnumerable).IsAssignableFrom(type) || type == typeof(string))
        {
            return null;
        }
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    internal enum NodeKind
    {
        Scalar,
        Object,
        List,
        Map,
        Any,
    }
}
