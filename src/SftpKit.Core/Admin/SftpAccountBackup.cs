using System.Text.Json;
using System.Text.Json.Serialization;
using SftpKit.Accounts;
using SftpKit.Events.Rules;

namespace SftpKit.Admin;

/// <summary>
/// Dumps every account of an <see cref="ISftpUserStore"/> (with its virtual folders, permissions, filters, keys and
/// hashes) and the stored quota usage to one JSON document, and loads such a document into any store — for backups
/// and for moving between engines (e.g. SQLite to PostgreSQL). The document holds password hashes: protect it like
/// the database. Format: <c>{"version":1,"createdAt":...,"users":[...],"folders":[...],"groups":[...],"shares":[...],"roles":[...],"quotaUsage":[...]}</c>;
/// <c>folders</c> holds the definitions of an <see cref="ISftpFolderStore"/> (also folders no account mounts),
/// <c>groups</c> the groups of an <see cref="ISftpGroupStore"/> (accounts carry their memberships in <c>users[].groups</c>),
/// <c>roles</c> the roles of an <see cref="ISftpRoleStore"/>, and
/// <c>shares</c> the links of an <see cref="ISftpShareStore"/> (with password hashes and use counters) when one is given;
/// <c>totp</c> and <c>accessTokens</c> hold the second factors (secrets as stored: encrypted when a secret protector is
/// registered, so restore with the same key file) and the personal access tokens (hashes only) of an
/// <see cref="ISftpCredentialStore"/> when one is given.
/// <c>roles</c> holds the roles of an <see cref="ISftpRoleStore"/> (accounts and admins carry their <c>role</c> themselves).
/// <c>eventActions</c> and <c>eventRules</c> hold the actions and rules of an <see cref="ISftpEventRuleStore"/> when one
/// is given (the <see cref="SftpEventAction"/> and <see cref="SftpEventRule"/> shapes, enums as numbers); action
/// passwords are written protected when a secret protector is given (restore with the same key file), in clear otherwise.
/// </summary>
public static class SftpAccountBackup
{
    /// <summary>The format version written; <see cref="RestoreAsync"/> refuses newer documents.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes every account (and, when <paramref name="quotas"/> is given, its quota usage and that of folders with
    /// their own quota) to <paramref name="output"/>, plus every folder of <paramref name="folders"/> and every admin
    /// and API key of <paramref name="admins"/> and every share of <paramref name="shares"/> and every group of
    /// <paramref name="groups"/> when given (password and key hashes only; secrets are never stored), and every event
    /// action and rule of <paramref name="eventRules"/> when given, action passwords protected with
    /// <paramref name="secretProtector"/> when given.
    /// </summary>
    public static async Task DumpAsync(ISftpUserStore store, Stream output, ISftpQuotaStore? quotas = null, ISftpFolderStore? folders = null,
        ISftpAdminStore? admins = null, ISftpShareStore? shares = null, ISftpGroupStore? groups = null,
        ISftpCredentialStore? credentials = null, ISftpRoleStore? roles = null, ISftpEventRuleStore? eventRules = null,
        ISftpSecretProtector? secretProtector = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        var users = new List<SftpAccount>();
        var usage = new List<QuotaEntry>();
        await foreach (var account in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add(account);
            if (quotas is not null)
            {
                var u = await quotas.GetAsync(SftpQuotaOwner.User(account.UserName), cancellationToken).ConfigureAwait(false);
                usage.Add(new QuotaEntry { Kind = SftpQuotaOwnerKind.User, Name = account.UserName, Size = u.Size, Files = u.Files });
                foreach (var folder in account.VirtualFolders.Where(f => f.HasOwnQuota))
                {
                    if (usage.Any(e => e.Kind == SftpQuotaOwnerKind.Folder && e.Name == folder.Name))
                    {
                        continue;
                    }
                    var f = await quotas.GetAsync(SftpQuotaOwner.Folder(folder.Name), cancellationToken).ConfigureAwait(false);
                    usage.Add(new QuotaEntry { Kind = SftpQuotaOwnerKind.Folder, Name = folder.Name, Size = f.Size, Files = f.Files });
                }
            }
        }
        List<SftpFolder>? definitions = null;
        if (folders is not null)
        {
            definitions = [];
            await foreach (var folder in folders.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                definitions.Add(folder);
                bool own = folder.QuotaSize > 0 || folder.QuotaFiles > 0;
                if (quotas is not null && own && !usage.Any(e => e.Kind == SftpQuotaOwnerKind.Folder && e.Name == folder.Name))
                {
                    var f = await quotas.GetAsync(SftpQuotaOwner.Folder(folder.Name), cancellationToken).ConfigureAwait(false);
                    usage.Add(new QuotaEntry { Kind = SftpQuotaOwnerKind.Folder, Name = folder.Name, Size = f.Size, Files = f.Files });
                }
            }
        }
        List<SftpAdmin>? adminList = null;
        List<SftpApiKey>? keyList = null;
        if (admins is not null)
        {
            adminList = [];
            keyList = [];
            await foreach (var admin in admins.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                adminList.Add(admin);
            }
            await foreach (var key in admins.ListApiKeysAsync(cancellationToken).ConfigureAwait(false))
            {
                keyList.Add(key);
            }
        }
        List<SftpShare>? shareList = null;
        if (shares is not null)
        {
            shareList = [];
            await foreach (var share in shares.ListAsync(null, cancellationToken).ConfigureAwait(false))
            {
                shareList.Add(share);
            }
        }
        List<SftpRole>? roleList = null;
        if (roles is not null)
        {
            roleList = [];
            await foreach (var role in roles.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                roleList.Add(role);
            }
        }
        List<SftpTotpConfig>? totpList = null;
        List<SftpAccessToken>? tokenList = null;
        if (credentials is not null)
        {
            totpList = [];
            tokenList = [];
            await foreach (var config in credentials.ListTotpAsync(cancellationToken).ConfigureAwait(false))
            {
                totpList.Add(config);
            }
            await foreach (var token in credentials.ListTokensAsync(null, cancellationToken).ConfigureAwait(false))
            {
                tokenList.Add(token);
            }
        }
        List<SftpGroup>? groupList = null;
        if (groups is not null)
        {
            groupList = [];
            await foreach (var group in groups.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                groupList.Add(group);
            }
        }
        List<SftpEventAction>? actionList = null;
        List<SftpEventRule>? ruleList = null;
        if (eventRules is not null)
        {
            actionList = [];
            ruleList = [];
            await foreach (var action in eventRules.ListActionsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (secretProtector is not null)
                {
                    SftpEventActionSecrets.Protect(action, secretProtector);
                }
                actionList.Add(action);
            }
            await foreach (var rule in eventRules.ListRulesAsync(cancellationToken).ConfigureAwait(false))
            {
                ruleList.Add(rule);
            }
        }
        var document = new BackupDocument
        {
            EventActions = actionList,
            EventRules = ruleList,
            Groups = groupList,
            Roles = roleList,
            Version = FormatVersion, CreatedAt = DateTimeOffset.UtcNow, Users = users, Folders = definitions, QuotaUsage = usage,
            Admins = adminList, ApiKeys = keyList, Shares = shareList, Totp = totpList, AccessTokens = tokenList,
        };
        await JsonSerializer.SerializeAsync(output, document, s_json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads a dump into <paramref name="store"/>; quota usage is restored for accounts (and folders) it adds or
    /// replaces. Folder definitions go to <paramref name="folders"/>, and admins and API keys to
    /// <paramref name="admins"/>, and shares to <paramref name="shares"/>, and groups to <paramref name="groups"/> (before
    /// the accounts that belong to them), when given, with the same <paramref name="mode"/> (API keys are only ever
    /// added: an existing key id is kept; a replaced share keeps its use counters); second factors and access tokens go
    /// to <paramref name="credentials"/> when given (a second factor replaces the owner's only in
    /// <see cref="SftpRestoreMode.Replace"/>; tokens are only ever added); event actions, then event rules, go to
    /// <paramref name="eventRules"/> when given, with the same <paramref name="mode"/>, action passwords decrypted with
    /// <paramref name="secretProtector"/> when given (plain ones are taken as they are). The caller invalidates the rule
    /// engine's cache afterwards (<see cref="ISftpEventRuleEngine.Invalidate"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The document is not a dump, is newer than this version, names an account,
    /// folder, group, admin, key, share, event action or event rule twice, or holds an action password protected under
    /// another key.</exception>
    public static async Task<SftpRestoreResult> RestoreAsync(ISftpUserStore store, Stream input, SftpRestoreMode mode,
        ISftpQuotaStore? quotas = null, ISftpFolderStore? folders = null, ISftpAdminStore? admins = null, ISftpShareStore? shares = null,
        ISftpGroupStore? groups = null, ISftpCredentialStore? credentials = null, ISftpRoleStore? roles = null,
        ISftpEventRuleStore? eventRules = null, ISftpSecretProtector? secretProtector = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(input);
        BackupDocument? document;
        try
        {
            document = await JsonSerializer.DeserializeAsync<BackupDocument>(input, s_json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The backup is not valid JSON.", ex);
        }
        if (document is null || document.Version < 1)
        {
            throw new InvalidDataException("The document is not an SftpKit backup.");
        }
        if (document.Version > FormatVersion)
        {
            throw new InvalidDataException($"The backup has format version {document.Version}; this version reads up to {FormatVersion}.");
        }
        var users = document.Users ?? [];
        if (users.Any(u => string.IsNullOrEmpty(u.UserName)) || users.GroupBy(u => u.UserName, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every account in the backup needs a unique, non-empty user name.");
        }
        var definitions = document.Folders ?? [];
        if (definitions.Any(f => f is null || string.IsNullOrEmpty(f.Name)) || definitions.GroupBy(f => f.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every folder in the backup needs a unique, non-empty name.");
        }
        var adminList = document.Admins ?? [];
        var keyList = document.ApiKeys ?? [];
        if (adminList.Any(a => a is null || string.IsNullOrEmpty(a.UserName)) || adminList.GroupBy(a => a.UserName, StringComparer.Ordinal).Any(g => g.Count() > 1)
            || keyList.Any(k => k is null || string.IsNullOrEmpty(k.Id) || string.IsNullOrEmpty(k.SecretHash)) || keyList.GroupBy(k => k.Id, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every admin and API key in the backup needs a unique, non-empty name or id (and keys their hash).");
        }
        var shareList = document.Shares ?? [];
        if (shareList.Any(s => s is null || !SftpShare.IsValidId(s.Id) || string.IsNullOrEmpty(s.UserName))
            || shareList.GroupBy(s => s.Id, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every share in the backup needs a unique, valid id and an owner.");
        }
        var roleList = document.Roles ?? [];
        if (roleList.Any(r => r is null || !RoleRecords.IsValidName(r.Name)) || roleList.GroupBy(r => r.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every role in the backup needs a unique, valid name.");
        }
        var totpList = document.Totp ?? [];
        var tokenList = document.AccessTokens ?? [];
        if (totpList.Any(t => t is null || string.IsNullOrEmpty(t.OwnerName) || string.IsNullOrEmpty(t.Secret))
            || tokenList.Any(t => t is null || !SftpCredentials.IsValidTokenId(t.Id) || string.IsNullOrEmpty(t.OwnerName) || string.IsNullOrEmpty(t.Hash))
            || tokenList.GroupBy(t => t.Id, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every second factor in the backup needs an owner and a secret, and every access token a unique id, an owner and a hash.");
        }
        var groupList = document.Groups ?? [];
        if (groupList.Any(g => g is null || string.IsNullOrEmpty(g.Name)) || groupList.GroupBy(g => g.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every group in the backup needs a unique, non-empty name.");
        }
        var (actionList, ruleList) = BackupEventRules.Read(document.EventActions, document.EventRules, secretProtector);
        foreach (var account in users)
        {
            account.Groups ??= [];
        }
        int added = 0, replaced = 0, skipped = 0;
        if (roles is not null)
        {
            // Roles first: accounts and admins name them.
            foreach (var role in roleList)
            {
                if (await roles.FindAsync(role.Name, cancellationToken).ConfigureAwait(false) is null)
                {
                    await roles.CreateAsync(role, cancellationToken).ConfigureAwait(false);
                }
                else if (mode == SftpRestoreMode.Replace)
                {
                    await roles.UpdateAsync(role, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var touchedFolders = new HashSet<string>(StringComparer.Ordinal);
        if (folders is not null)
        {
            foreach (var folder in definitions)
            {
                folder.FileSystem ??= new SftpFileSystemConfig();
                folder.FileSystem.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
                if (await folders.FindAsync(folder.Name, cancellationToken).ConfigureAwait(false) is null)
                {
                    await folders.CreateAsync(folder, cancellationToken).ConfigureAwait(false);
                    touchedFolders.Add(folder.Name);
                }
                else if (mode == SftpRestoreMode.Replace)
                {
                    await folders.UpdateAsync(folder, cancellationToken).ConfigureAwait(false);
                    touchedFolders.Add(folder.Name);
                }
            }
        }
        if (groups is not null)
        {
            foreach (var group in groupList)
            {
                RestoreDefaults(group);
                if (await groups.FindAsync(group.Name, cancellationToken).ConfigureAwait(false) is null)
                {
                    await groups.CreateAsync(group, cancellationToken).ConfigureAwait(false);
                }
                else if (mode == SftpRestoreMode.Replace)
                {
                    await groups.UpdateAsync(group, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        foreach (var account in users)
        {
            account.AccessTime ??= [];
            account.DeniedProtocols ??= [];
            if (await store.FindAsync(account.UserName, cancellationToken).ConfigureAwait(false) is null)
            {
                await store.CreateAsync(account, cancellationToken).ConfigureAwait(false);
                added++;
                touched.Add(account.UserName);
            }
            else if (mode == SftpRestoreMode.Replace)
            {
                await store.UpdateAsync(account, cancellationToken).ConfigureAwait(false);
                replaced++;
                touched.Add(account.UserName);
            }
            else
            {
                skipped++;
            }
        }
        if (admins is not null)
        {
            foreach (var admin in adminList)
            {
                admin.Permissions ??= new List<string>();
                admin.AllowedNetworks ??= new List<string>();
                if (await admins.FindAsync(admin.UserName, cancellationToken).ConfigureAwait(false) is null)
                {
                    await admins.CreateAsync(admin, cancellationToken).ConfigureAwait(false);
                }
                else if (mode == SftpRestoreMode.Replace)
                {
                    await admins.UpdateAsync(admin, cancellationToken).ConfigureAwait(false);
                }
            }
            foreach (var key in keyList)
            {
                if (await admins.FindApiKeyAsync(key.Id, cancellationToken).ConfigureAwait(false) is null)
                {
                    await admins.CreateApiKeyAsync(key, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        if (shares is not null)
        {
            foreach (var share in shareList)
            {
                share.Paths ??= [];
                share.AllowFrom ??= [];
                if (await shares.FindAsync(share.Id, cancellationToken).ConfigureAwait(false) is null)
                {
                    await shares.CreateAsync(share, cancellationToken).ConfigureAwait(false);
                }
                else if (mode == SftpRestoreMode.Replace)
                {
                    await shares.UpdateAsync(share, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        if (credentials is not null)
        {
            foreach (var config in totpList)
            {
                config.Protocols ??= new List<string>();
                config.RecoveryCodes ??= new List<SftpRecoveryCode>();
                var owner = new SftpCredentialOwner(config.OwnerKind, config.OwnerName);
                if (mode == SftpRestoreMode.Replace || await credentials.GetTotpAsync(owner, cancellationToken).ConfigureAwait(false) is null)
                {
                    await credentials.SetTotpAsync(config, cancellationToken).ConfigureAwait(false);
                }
            }
            foreach (var token in tokenList)
            {
                if (await credentials.FindTokenAsync(token.Id, cancellationToken).ConfigureAwait(false) is null)
                {
                    await credentials.CreateTokenAsync(token, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        if (eventRules is not null)
        {
            await BackupEventRules.RestoreAsync(eventRules, actionList, ruleList, mode, cancellationToken).ConfigureAwait(false);
        }
        if (quotas is not null && document.QuotaUsage is { } usage)
        {
            touchedFolders.UnionWith(users.Where(u => touched.Contains(u.UserName)).SelectMany(u => u.VirtualFolders).Select(f => f.Name));
            foreach (var entry in usage)
            {
                bool applies = entry.Kind == SftpQuotaOwnerKind.User ? touched.Contains(entry.Name) : touchedFolders.Contains(entry.Name);
                if (applies)
                {
                    await quotas.SetAsync(new SftpQuotaOwner(entry.Kind, entry.Name), new SftpQuotaUsage(entry.Size, entry.Files), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        return new SftpRestoreResult(added, replaced, skipped);
    }

    /// <summary>JSON null for a group's collection means "empty".</summary>
    private static void RestoreDefaults(SftpGroup group)
    {
        group.VirtualFolders ??= [];
        group.Permissions ??= new Dictionary<string, IList<string>>(StringComparer.Ordinal);
        group.FilePatterns ??= [];
        group.AllowedIPs ??= [];
        group.DeniedIPs ??= [];
        group.DeniedLoginMethods ??= [];
        group.FileSystem?.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private sealed class BackupDocument
    {
        public List<SftpEventAction>? EventActions { get; set; }

        public List<SftpEventRule>? EventRules { get; set; }

        public List<SftpGroup>? Groups { get; set; }

        public int Version { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public List<SftpAccount>? Users { get; set; }

        public List<SftpFolder>? Folders { get; set; }

        public List<QuotaEntry>? QuotaUsage { get; set; }

        public List<SftpAdmin>? Admins { get; set; }

        public List<SftpApiKey>? ApiKeys { get; set; }

        public List<SftpShare>? Shares { get; set; }

        public List<SftpRole>? Roles { get; set; }

        public List<SftpTotpConfig>? Totp { get; set; }

        public List<SftpAccessToken>? AccessTokens { get; set; }
    }

    private sealed class QuotaEntry
    {
        [JsonConverter(typeof(JsonStringEnumConverter<SftpQuotaOwnerKind>))]
        public SftpQuotaOwnerKind Kind { get; set; }

        public string Name { get; set; } = string.Empty;

        public long Size { get; set; }

        public long Files { get; set; }
    }
}
