using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SftpKit.Accounts;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Read-only mode of <see cref="SqlUserStore"/>: the lookup and list statements over the operator's table or view,
/// the mapping of its columns onto <see cref="SftpAccount"/>, and the in-memory quota usage that replaces the
/// <c>quota_usage</c> table (nothing may be created in a database the store only reads).
/// </summary>
internal sealed partial class SqlReadOnlyAccounts
{
    private readonly ConcurrentDictionary<(SftpQuotaOwnerKind Kind, string Name), SftpQuotaUsage> _usage = new();

    public SqlReadOnlyAccounts(SqlReadOnlyAccountsOptions options, SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Names go into the statements (quoted): nothing but validated identifiers may get there.
        var problems = Validate(options).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
        Table = options.Table;
        string user = Quote(dialect, options.UserNameColumn);
        string columns = string.Join(", ",
            user,
            Optional(dialect, options.PasswordHashColumn),
            Quote(dialect, options.HomeDirectoryColumn),
            Optional(dialect, options.PublicKeysColumn),
            Optional(dialect, options.EnabledColumn),
            Optional(dialect, options.ExpiresAtColumn),
            Optional(dialect, options.MaxSessionsColumn),
            Optional(dialect, options.QuotaSizeColumn),
            Optional(dialect, options.QuotaFilesColumn));
        string from = string.Join('.', options.Table.Split('.').Select(part => Quote(dialect, part)));
        FindSql = $"SELECT {columns} FROM {from} WHERE {user} = @user_name";
        ListSql = $"SELECT {columns} FROM {from} ORDER BY {user}";
        ProbeSql = $"SELECT {columns} FROM {from} WHERE 1 = 0";
    }

    /// <summary>The configured table or view, for messages and logs.</summary>
    public string Table { get; }

    public string FindSql { get; }

    public string ListSql { get; }

    /// <summary>Returns no rows; fails when the table or a mapped column is missing.</summary>
    public string ProbeSql { get; }

    /// <summary>The problems with <paramref name="options"/>, each naming its field; empty when valid.</summary>
    public static IEnumerable<string> Validate(SqlReadOnlyAccountsOptions options)
    {
        const string prefix = "SftpKit:Sql:ReadOnlyAccounts:";
        if (string.IsNullOrEmpty(options.Table) || !options.Table.Split('.').All(IsName) || options.Table.Split('.').Length > 2)
        {
            yield return prefix + "Table must name a table or view (optionally schema.table) of letters, digits and underscores.";
        }
        foreach (var (field, value, required) in new[]
        {
            ("UserNameColumn", options.UserNameColumn, true),
            ("PasswordHashColumn", options.PasswordHashColumn, false),
            ("HomeDirectoryColumn", options.HomeDirectoryColumn, true),
            ("PublicKeysColumn", options.PublicKeysColumn, false),
            ("EnabledColumn", options.EnabledColumn, false),
            ("ExpiresAtColumn", options.ExpiresAtColumn, false),
            ("MaxSessionsColumn", options.MaxSessionsColumn, false),
            ("QuotaSizeColumn", options.QuotaSizeColumn, false),
            ("QuotaFilesColumn", options.QuotaFilesColumn, false),
        })
        {
            if (string.IsNullOrEmpty(value) ? required : !IsName(value))
            {
                yield return prefix + field + (required ? " is required and" : string.Empty) +
                    " must be a column name of letters, digits and underscores (at most 64 characters).";
            }
        }
    }

    public static SftpAccount Read(DbDataReader reader) => new()
    {
        UserName = Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!,
        PasswordHash = reader.IsDBNull(1) ? null : Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture),
        HomeDirectory = reader.IsDBNull(2) ? null : Convert.ToString(reader.GetValue(2), CultureInfo.InvariantCulture),
        PublicKeys = reader.IsDBNull(3) ? [] : ParseKeys(Convert.ToString(reader.GetValue(3), CultureInfo.InvariantCulture)!),
        Enabled = reader.IsDBNull(4) || ParseEnabled(reader.GetValue(4)),
        ExpiresAt = reader.IsDBNull(5) ? null : ParseExpiry(reader.GetValue(5)),
        MaxSessions = reader.IsDBNull(6) ? 0 : Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
        QuotaSize = reader.IsDBNull(7) ? 0 : Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture),
        QuotaFiles = reader.IsDBNull(8) ? 0 : Convert.ToInt64(reader.GetValue(8), CultureInfo.InvariantCulture),
    };

    public SftpQuotaUsage GetUsage(SftpQuotaOwner owner) => _usage.TryGetValue((owner.Kind, owner.Name), out var usage) ? usage : default;

    public void AddUsage(SftpQuotaOwner owner, long sizeDelta, long filesDelta) =>
        _usage.AddOrUpdate((owner.Kind, owner.Name),
            static (_, d) => new SftpQuotaUsage(Math.Max(0, d.Size), Math.Max(0, d.Files)),
            static (_, old, d) => new SftpQuotaUsage(Math.Max(0, old.Size + d.Size), Math.Max(0, old.Files + d.Files)),
            (Size: sizeDelta, Files: filesDelta));

    public void SetUsage(SftpQuotaOwner owner, SftpQuotaUsage usage) =>
        _usage[(owner.Kind, owner.Name)] = new SftpQuotaUsage(Math.Max(0, usage.Size), Math.Max(0, usage.Files));

    public NotSupportedException WriteRefused() =>
        new($"The SQL store is read-only: accounts come from the existing table '{Table}'. Change them in that database.");

    internal static List<string> ParseKeys(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            return JsonSerializer.Deserialize<List<string>>(trimmed)?.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList() ?? [];
        }
        return trimmed.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
    }

    internal static bool ParseEnabled(object value) => value switch
    {
        bool b => b,
        string s => s.Trim().ToUpperInvariant() is "1" or "TRUE" or "T" or "YES" or "Y" or "ON",
        _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture) != 0,
    };

    internal static DateTimeOffset? ParseExpiry(object value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, time.Kind == DateTimeKind.Local ? DateTimeKind.Local : DateTimeKind.Utc)),
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long ms) => FromMilliseconds(ms),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        _ => FromMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
    };

    private static DateTimeOffset? FromMilliseconds(long ms) => ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static bool IsName(string value) => NamePattern().IsMatch(value);

    private static string Quote(SqlDialect dialect, string name) => dialect.QuoteIdentifier(name);

    private static string Optional(SqlDialect dialect, string? name) => string.IsNullOrEmpty(name) ? "NULL" : dialect.QuoteIdentifier(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
