using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Quotas;
using SftpKit.Policies;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>accounts</c>: list (search by name, paged by <see cref="SftpWebAdminOptions.PageSize"/>), create, edit,
/// delete; permission <c>manage_users</c> like <c>/users</c>. The form becomes the API's account JSON (for an edit,
/// the stored account's JSON with the form's fields replaced, so fields the form does not show are kept) and is saved
/// by the same code as <c>POST</c>/<c>PUT /users</c>: the same validation, hashing, mounts and log entries.
/// </summary>
internal static class AccountsPages
{
    private const int MaxSearchLength = 256;

    public static void Map(RouteGroupBuilder group)
    {
        var accounts = group.MapGroup("/accounts").RequireAdmin(SftpAdminPermissions.ManageUsers);
        accounts.MapGet("/", ListAsync);
        accounts.MapGet("/new", (HttpContext context, AdminServices admin) => FormAsync(context, admin, null, new JsonObject { ["enabled"] = true }, null, null));
        accounts.MapPost("/new", CreateAsync);
        accounts.MapGet("/{userName}", EditAsync);
        accounts.MapPost("/{userName}", UpdateAsync);
        accounts.MapPost("/{userName}/scan", (string userName, HttpContext context, ISftpUserStore store, IServiceProvider services, QuotaScanQueue scans) =>
            StartScanAsync(userName, context, store, services, scans)).RequireAdmin(SftpAdminPermissions.QuotaScans);
        accounts.MapPost("/{userName}/delete", async (string userName, HttpContext context, ISftpUserStore store, AdminServices admin) =>
            await AccountEndpoints.DeleteAccountAsync(userName, context, store, admin)
                ? WebResults.SeeOther(context, "accounts?done=deleted")
                : WebResults.Error(context, StatusCodes.Status404NotFound));
    }

    /// <summary>Starts a background quota scan, like <c>POST /quotas/users/{userName}/scan</c>, and tells how it went.</summary>
    private static async Task<IResult> StartScanAsync(string userName, HttpContext context, ISftpUserStore store, IServiceProvider services, QuotaScanQueue scans)
    {
        if (services.GetService(typeof(SftpQuotaManager)) is null || !AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        string done = scans.TryStart(userName, AdminRequest.Actor(context), out _) switch
        {
            JobStart.AlreadyRunning => "scan-running",
            JobStart.Busy => "scan-busy",
            _ => "scan-started",
        };
        return WebResults.SeeOther(context, "accounts/" + Uri.EscapeDataString(userName) + "?done=" + done);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpUserStore store, IOptions<SftpWebAdminOptions> options, IServiceProvider services)
    {
        string search = context.Request.Query["q"].ToString().Trim();
        if (search.Length > MaxSearchLength)
        {
            search = search[..MaxSearchLength];
        }
        int page = int.TryParse(context.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p > 0 ? p : 1;
        int size = options.Value.PageSize;
        // Usage is what GET /quotas shows: only to admins with quota_scans, as there.
        var quotas = WebAdminSession.Has(context.User, SftpAdminPermissions.QuotaScans) ? services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore : null;
        var rows = new List<Html>();
        int index = 0;
        bool more = false;
        await foreach (var account in store.ListAsync(context.RequestAborted))
        {
            if (!AdminRoleScope.Sees(context.User, account))
            {
                continue;
            }
            if (search.Length > 0 && !account.UserName.Contains(search, StringComparison.OrdinalIgnoreCase)
                && !(account.Description?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false))
            {
                continue;
            }
            if (index++ < (page - 1) * size)
            {
                continue;
            }
            if (rows.Count == size)
            {
                more = true;
                break;
            }
            var usage = quotas is null ? default : await quotas.GetAsync(SftpQuotaOwner.User(account.UserName), context.RequestAborted);
            var quota = quotas is not null ? WebAdminHtml.Usage(usage.Size, account.QuotaSize, WebAdminHtml.Bytes)
                : account.QuotaSize > 0 ? Html.Text(WebAdminHtml.Bytes(account.QuotaSize)) : Html.Raw("<span class=\"muted\">no limit</span>");
            string url = context.Request.PathBase + WebArea.Of(context).Url("accounts/" + Uri.EscapeDataString(account.UserName));
            rows.Add(Html.Of($"""
                <tr data-user="{account.UserName}">
                <td data-label="User"><a href="{url}">{account.UserName}</a></td>
                <td data-label="Status">{(account.Enabled ? Html.Raw("<span class=\"badge ok\">enabled</span>") : Html.Raw("<span class=\"badge off\">disabled</span>"))}{Html.If(account.ExpiresAt is { } e && e <= DateTimeOffset.UtcNow, Html.Raw(" <span class=\"badge off\">expired</span>"))}</td>
                <td data-label="Home"><code>{account.HomeDirectory ?? account.FileSystem?.Provider ?? ""}</code></td>
                <td data-label="Role">{account.Role ?? ""}</td>
                <td data-label="Quota">{quota}</td>
                <td data-label="Last login">{WebAdminHtml.Time(account.LastLogin)}</td>
                <td data-label="">{WebForms.Button(context, url + "/delete", "Delete", $"Delete the account {account.UserName}?", "button danger small")}</td>
                </tr>
                """));
        }
        var area = WebArea.Of(context);
        string listUrl = context.Request.PathBase + area.Url("accounts");
        string Page(int n) => listUrl + "?page=" + n.ToString(CultureInfo.InvariantCulture) + (search.Length > 0 ? "&q=" + Uri.EscapeDataString(search) : "");
        string? done = context.Request.Query["done"].ToString() switch
        {
            "created" => "The account was created.",
            "saved" => "The account was saved.",
            "deleted" => "The account was deleted.",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Accounts</h1>
            {WebAdminHtml.Notice(done)}
            <div class="toolbar">
            <form method="get" action="{listUrl}" role="search"><input type="search" name="q" value="{search}" placeholder="Search accounts" aria-label="Search accounts" maxlength="256"></form>
            <a class="button" id="new-account" href="{listUrl}/new">New account</a>
            </div>
            <div class="table-wrap"><table class="responsive" id="accounts">
            <thead><tr><th>User</th><th>Status</th><th>Home</th><th>Role</th><th>Quota</th><th>Last login</th><th></th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No accounts.</p>"))}
            <div class="pager">{Html.If(page > 1, Html.Of($"<a href=\"{Page(page - 1)}\">← Previous</a>"))}<span class="muted">Page {page}</span>{Html.If(more, Html.Of($"<a href=\"{Page(page + 1)}\" id=\"next-page\">Next →</a>"))}</div>
            """);
        return WebResults.Page(context, "Accounts", body);
    }

    private static async Task<IResult> EditAsync(string userName, HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin)
    {
        var account = await store.FindAsync(userName, context.RequestAborted);
        if (!AdminRoleScope.Sees(context.User, account))
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        QuotaUsageResponse? usage = WebAdminSession.Has(context.User, SftpAdminPermissions.QuotaScans) && services.GetService(typeof(ISftpQuotaStore)) is ISftpQuotaStore quotas
            ? await QuotaEndpoints.ReadAsync(account, quotas, context.RequestAborted, admin.Time) : null;
        string? done = context.Request.Query["done"].ToString() switch
        {
            "scan-started" => "The quota scan started; reload this page to see its result.",
            "scan-running" => "A quota scan of this account is already running.",
            "scan-busy" => "Too many quota scans are running; try again later.",
            _ => null,
        };
        return await FormAsync(context, admin, userName, AccountJson.Write(account), null, usage, done);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var json = new JsonObject { ["userName"] = WebForms.Value(form, "userName") ?? "" };
        var errors = Apply(form, json);
        if (!errors.IsEmpty)
        {
            return await FormAsync(context, admin, null, json, errors, null);
        }
        var result = await AccountEndpoints.CreateAccountAsync(json.DeepClone(), context, store, folders, admin);
        return result.Account is null ? await FormAsync(context, admin, null, json, result.Errors, null) : WebResults.SeeOther(context, "accounts?done=created");
    }

    private static async Task<IResult> UpdateAsync(string userName, HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var existing = await store.FindAsync(userName, context.RequestAborted);
        if (!AdminRoleScope.Sees(context.User, existing))
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var json = AccountJson.Write(existing);
        json.Remove("hasPassword");
        json.Remove("lastLogin");
        var errors = Apply(form, json);
        if (!errors.IsEmpty)
        {
            return await FormAsync(context, admin, userName, json, errors, null);
        }
        var result = await AccountEndpoints.UpdateAccountAsync(userName, json.DeepClone(), context, store, folders, admin);
        if (result.Account is null)
        {
            return result.Errors.IsEmpty ? WebResults.Error(context, StatusCodes.Status404NotFound) : await FormAsync(context, admin, userName, json, result.Errors, null);
        }
        return WebResults.SeeOther(context, "accounts?done=saved");
    }

    /// <summary>Puts the form's fields into the account JSON; errors for fields that are not numbers or dates.</summary>
    private static ValidationErrors Apply(IFormCollection form, JsonObject json)
    {
        var errors = new ValidationErrors();
        if (WebForms.RawValue(form, "password") is { } password)
        {
            json["password"] = password;
        }
        json["enabled"] = WebForms.Checked(form, "enabled");
        json["homeDirectory"] = WebForms.Value(form, "homeDirectory");
        json["description"] = WebForms.Value(form, "description");
        json["publicKeys"] = Array(WebForms.Lines(form, "publicKeys"));
        json["allowedIPs"] = Array(WebForms.Lines(form, "allowedIPs"));
        json["role"] = WebForms.Value(form, "role");
        json["accessTime"] = AccountLimitsForm.Windows(WebForms.Lines(form, "accessTime"), errors);
        json["accessTimeZone"] = WebForms.Value(form, "accessTimeZone");
        json["dataTransferPeriod"] = WebForms.Value(form, "dataTransferPeriod") ?? nameof(SftpDataTransferPeriod.None);
        json["deniedProtocols"] = Array(SftpAccountLimits.Protocols.Where(p => WebForms.Checked(form, "deny" + p)));
        json["deniedIPs"] = Array(WebForms.Lines(form, "deniedIPs"));
        foreach (string field in (string[])["quotaSize", "quotaFiles", "uploadBandwidth", "downloadBandwidth", "maxUploadFileSize", "maxSessions",
            "uploadDataTransfer", "downloadDataTransfer", "totalDataTransfer", "passwordExpirationDays", "passwordStrength"])
        {
            string? text = WebForms.Value(form, field);
            if (text is null)
            {
                json[field] = 0;
            }
            else if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                json[field] = n;
            }
            else
            {
                errors.Add(field, "Enter a whole number (0 = unlimited).");
            }
        }
        string? expires = WebForms.Value(form, "expiresAt");
        if (expires is null)
        {
            json["expiresAt"] = null;
        }
        else if (DateOnly.TryParseExact(expires, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            json["expiresAt"] = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        else
        {
            errors.Add("expiresAt", "Enter a date (YYYY-MM-DD).");
        }
        var permissions = new JsonObject();
        foreach (string line in WebForms.Lines(form, "permissions"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                errors.Add("permissions", $"Write each line as PATH: PERMISSION, PERMISSION (got '{line}').");
                continue;
            }
            permissions[line[..colon].Trim()] = Array(line[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        json["permissions"] = permissions;
        if (form.ContainsKey("virtualFolders"))
        {
            json["virtualFolders"] = Mounts(WebForms.Lines(form, "virtualFolders"), json["virtualFolders"] as JsonArray, errors);
        }
        if (form.ContainsKey("filePatterns"))
        {
            json["filePatterns"] = Filters(WebForms.Lines(form, "filePatterns"), errors);
        }
        AccountGroupFields.Apply(form, json);
        return errors;
    }

    /// <summary>
    /// <c>NAME: /virtual/path</c> lines as the API's mounts. A folder the account already mounts keeps its stored
    /// mount (storage and quota) with the new path; a new one is given by name and takes the folder's definition.
    /// </summary>
    internal static JsonArray Mounts(List<string> lines, JsonArray? current, ValidationErrors errors)
    {
        var mounts = new JsonArray();
        foreach (string line in lines)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                errors.Add("virtualFolders", $"Write each line as FOLDER: /virtual/path (got '{line}').");
                continue;
            }
            string name = line[..colon].Trim();
            string path = line[(colon + 1)..].Trim();
            var existing = current?.OfType<JsonObject>().FirstOrDefault(m => m["name"] is JsonValue n && n.TryGetValue(out string? s) && s == name);
            var mount = existing is null ? new JsonObject { ["name"] = name } : (JsonObject)existing.DeepClone();
            mount["virtualPath"] = path;
            mounts.Add(mount);
        }
        return mounts;
    }

    /// <summary><c>/path | allowed, patterns | denied, patterns</c> lines as the API's file-name filters.</summary>
    internal static JsonArray Filters(List<string> lines, ValidationErrors errors)
    {
        var filters = new JsonArray();
        foreach (string line in lines)
        {
            string[] parts = line.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length != 3 || parts[0].Length == 0)
            {
                errors.Add("filePatterns", $"Write each line as /PATH | ALLOWED, ... | DENIED, ... (got '{line}').");
                continue;
            }
            filters.Add(new JsonObject
            {
                ["path"] = parts[0],
                ["allowedPatterns"] = Array(parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                ["deniedPatterns"] = Array(parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            });
        }
        return filters;
    }

    internal static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    private static async Task<IResult> FormAsync(HttpContext context, AdminServices admin, string? userName, JsonObject json, ValidationErrors? errors, QuotaUsageResponse? usage, string? notice = null)
    {
        var groupFields = await AccountGroupFields.RenderAsync(context, json);
        var roleSelect = await RolesPages.SelectAsync(context, admin.Roles, json["role"] is JsonValue rv && rv.TryGetValue(out string? rs) ? rs : null);
        var limits = AccountLimitsForm.Fields(json);
        bool create = userName is null;
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(create ? "accounts/new" : "accounts/" + Uri.EscapeDataString(userName!));
        string Text(string name) => json[name] switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s ?? "",
            JsonValue v => v.ToJsonString(),
            _ => "",
        };
        string Number(string name) => json[name] is JsonValue v && v.TryGetValue(out long n) && n != 0 ? n.ToString(CultureInfo.InvariantCulture) : Text(name) is "0" ? "" : Text(name);
        string Lines(string name) => json[name] is JsonArray a ? string.Join("\n", a.Select(i => i?.ToString() ?? "")) : "";
        string permissions = json["permissions"] is JsonObject po
            ? string.Join("\n", po.Select(kv => kv.Key + ": " + string.Join(", ", kv.Value is JsonArray pa ? pa.Select(x => x?.ToString() ?? "") : [])))
            : "";
        string expires = json["expiresAt"] is JsonValue ev && ev.TryGetValue(out DateTimeOffset when) ? when.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : json["expiresAt"] is JsonValue es && es.TryGetValue(out string? sv) && DateTimeOffset.TryParse(sv, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
        static string Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s ?? "" : "";
        static string List(JsonNode? node) => node is JsonArray a ? string.Join(", ", a.Select(Str)) : "";
        string mounts = json["virtualFolders"] is JsonArray ma
            ? string.Join("\n", ma.OfType<JsonObject>().Select(m => Str(m["name"]) + ": " + Str(m["virtualPath"]))) : "";
        string filters = json["filePatterns"] is JsonArray fa
            ? string.Join("\n", fa.OfType<JsonObject>().Select(f => Str(f["path"]) + " | " + List(f["allowedPatterns"]) + " | " + List(f["deniedPatterns"]))) : "";
        bool enabled = json["enabled"] is JsonValue env && env.TryGetValue(out bool b) ? b : true;
        var usageHtml = usage is null ? Html.Empty : Html.Of($"""
            <section class="card"><h2>Usage</h2>
            {WebForms.PostForm(context, action + "/scan", Html.Raw("<button type=\"submit\" class=\"button secondary small\" id=\"scan\">Rescan the storage</button>"), "inline")}
            <div class="usage"><strong>Size</strong> {WebAdminHtml.Usage(usage.UsedSize, usage.QuotaSize, WebAdminHtml.Bytes)}</div>
            <div class="usage"><strong>Files</strong> {WebAdminHtml.Usage(usage.UsedFiles, usage.QuotaFiles, n => n.ToString(CultureInfo.InvariantCulture))}</div>
            <div class="usage"><strong>Uploaded this period</strong> {WebAdminHtml.Bytes(usage.UsedUploadDataTransfer)}</div>
            <div class="usage"><strong>Downloaded this period</strong> {WebAdminHtml.Bytes(usage.UsedDownloadDataTransfer)}</div>
            </section>
            """);
        var fields = Html.Of($"""
            <div class="form-grid">
            <div>
            <label for="userName">User name</label>
            <input type="text" id="userName" name="userName" value="{Text("userName")}" {(create ? Html.Raw("required maxlength=\"256\" autocapitalize=\"none\" spellcheck=\"false\"") : Html.Raw("readonly"))}>
            <label for="password">{(create ? "Password" : "New password")}</label>
            <input type="password" id="password" name="password" autocomplete="new-password">
            <p class="hint">{(create ? "Leave empty for public-key only." : "Leave empty to keep the current password.")}</p>
            <label class="check"><input type="checkbox" name="enabled" id="enabled"{Html.If(enabled, Html.Raw(" checked"))}> Enabled</label>
            <label for="expiresAt">Expires on (UTC)</label>
            <input type="date" id="expiresAt" name="expiresAt" value="{expires}">
            <label for="homeDirectory">Home directory</label>
            <input type="text" id="homeDirectory" name="homeDirectory" value="{Text("homeDirectory")}">
            <label for="description">Description</label>
            <input type="text" id="description" name="description" value="{Text("description")}">
            {roleSelect}
            </div>
            <div>
            <label for="publicKeys">Public keys</label>
            <textarea id="publicKeys" name="publicKeys" placeholder="ssh-ed25519 AAAA... (one per line)">{Lines("publicKeys")}</textarea>
            <label for="permissions">Permissions</label>
            <textarea id="permissions" name="permissions" placeholder="/: *">{permissions}</textarea>
            <p class="hint">One line per directory: <code>/: *</code> or <code>/in: list, download, upload</code>.</p>
            <label for="allowedIPs">Allowed networks</label>
            <textarea id="allowedIPs" name="allowedIPs" placeholder="192.0.2.0/24">{Lines("allowedIPs")}</textarea>
            <label for="deniedIPs">Denied networks</label>
            <textarea id="deniedIPs" name="deniedIPs">{Lines("deniedIPs")}</textarea>
            </div>
            <div>
            <label for="quotaSize">Quota size (bytes, 0 = none)</label>
            <input type="number" min="0" id="quotaSize" name="quotaSize" value="{Number("quotaSize")}">
            <label for="quotaFiles">Quota files (0 = none)</label>
            <input type="number" min="0" id="quotaFiles" name="quotaFiles" value="{Number("quotaFiles")}">
            <label for="maxUploadFileSize">Largest upload (bytes, 0 = none)</label>
            <input type="number" min="0" id="maxUploadFileSize" name="maxUploadFileSize" value="{Number("maxUploadFileSize")}">
            <label for="uploadBandwidth">Upload bandwidth (KiB/s, 0 = none)</label>
            <input type="number" min="0" id="uploadBandwidth" name="uploadBandwidth" value="{Number("uploadBandwidth")}">
            <label for="downloadBandwidth">Download bandwidth (KiB/s, 0 = none)</label>
            <input type="number" min="0" id="downloadBandwidth" name="downloadBandwidth" value="{Number("downloadBandwidth")}">
            <label for="maxSessions">Concurrent sessions (0 = any)</label>
            <input type="number" min="0" id="maxSessions" name="maxSessions" value="{Number("maxSessions")}">
            </div>
            </div>
            <div class="form-grid">
            <div>
            <label for="virtualFolders">Virtual folders</label>
            <textarea id="virtualFolders" name="virtualFolders" placeholder="shared: /shared" spellcheck="false">{mounts}</textarea>
            <p class="hint">One line per mount: <code>FOLDER: /virtual/path</code>; the folder must exist (Folders page).</p>
            </div>
            <div>
            {groupFields}
            </div>
            <div>
            <label for="filePatterns">File-name filters</label>
            <textarea id="filePatterns" name="filePatterns" placeholder="/photos | *.jpg, *.png | *.exe" spellcheck="false">{filters}</textarea>
            <p class="hint">One line per directory: <code>/PATH | ALLOWED, ... | DENIED, ...</code> (globs; an empty allowed list allows any name).</p>
            </div>
            </div>
            {limits}
            <p class="actions"><button type="submit" id="save-account">{(create ? "Create account" : "Save")}</button> <a class="button secondary" href="{context.Request.PathBase + area.Url("accounts")}">Cancel</a></p>
            """);
        var body = Html.Of($"""
            <h1>{(create ? "New account" : "Account " + userName)}</h1>
            {WebAdminHtml.Notice(notice)}
            {WebAdminHtml.Errors(errors)}
            {usageHtml}
            <section class="card">{WebForms.PostForm(context, action, fields)}</section>
            """);
        return WebResults.Page(context, create ? "New account" : userName!, body, errors is null || errors.IsEmpty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
