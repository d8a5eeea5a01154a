using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>backup</c>: download the backup document and restore an uploaded one (permission <c>manage_system</c>), by the
/// same code as <c>/dumpdata</c> and <c>/loaddata</c>: the upload is limited to
/// <see cref="SftpAdminOptions.MaxRestoreBodySize"/> (default 64 MiB), validated whole, and nothing changes on an error.
/// </summary>
internal static class BackupPage
{
    public static void Map(RouteGroupBuilder group)
    {
        var limits = group.ServiceProvider().GetRequiredService<IOptions<SftpAdminOptions>>().Value;
        group.MapGet("/backup", (HttpContext context) => Page(context, null, null)).RequireAdmin(SftpAdminPermissions.ManageSystem);
        group.MapGet("/backup/download", (HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin) =>
            BackupEndpoints.DumpAsync(context, store, services, admin)).RequireAdmin(SftpAdminPermissions.ManageSystem);
        group.MapPost("/backup/restore", async (HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var mode = WebForms.Value(form, "mode") == "replace" ? SftpRestoreMode.Replace : SftpRestoreMode.AddOnly;
            var errors = new ValidationErrors();
            var file = form.Files.GetFile("file");
            if (file is null || file.Length == 0)
            {
                errors.Add("file", "Choose a backup file.");
                return Page(context, errors, null);
            }
            if (file.Length > admin.Options.MaxRestoreBodySize)
            {
                errors.Add("file", $"The file is larger than {WebAdminHtml.Bytes(admin.Options.MaxRestoreBodySize)}.");
                return Page(context, errors, null);
            }
            JsonNode? node;
            try
            {
                await using var stream = file.OpenReadStream();
                node = await JsonNode.ParseAsync(stream, AdminJson.NodeOptions, AdminJson.DocumentOptions, context.RequestAborted);
            }
            catch (JsonException)
            {
                errors.Add("file", "The file is not JSON.");
                return Page(context, errors, null);
            }
            var (response, restoreErrors) = await BackupEndpoints.RestoreDocumentAsync(node, mode, context, store, services, admin);
            return response is null ? Page(context, restoreErrors, null) : Page(context, null, response);
        }).RequireAdmin(SftpAdminPermissions.ManageSystem)
            .WithMetadata(new SftpAdminRequestSizeLimit(limits.MaxRestoreBodySize + (1024 * 1024)));
    }

    private static IServiceProvider ServiceProvider(this RouteGroupBuilder group) => ((IEndpointRouteBuilder)group).ServiceProvider;

    private static IResult Page(HttpContext context, ValidationErrors? errors, RestoreResponse? restored)
    {
        var area = WebArea.Of(context);
        var done = restored is null ? Html.Empty
            : WebAdminHtml.Notice($"Restored ({restored.Mode}): {restored.Added} added, {restored.Replaced} replaced, {restored.Skipped} skipped.");
        var body = Html.Of($"""
            <h1>Backup</h1>
            {done}
            <section class="card"><h2>Download</h2>
            <p>Every account (with password hashes), virtual folder, quota usage and admin, as one JSON document. Keep it as safe as the database.</p>
            <p><a class="button" id="download-backup" href="{context.Request.PathBase + area.Url("backup/download")}">Download backup</a></p>
            </section>
            <section class="card"><h2>Restore</h2>
            {WebAdminHtml.Errors(errors)}
            {WebForms.PostForm(context, context.Request.PathBase + area.Url("backup/restore"), Html.Of($"""
                <label for="file">Backup file</label>
                <input type="file" id="file" name="file" accept="application/json,.json" required>
                <label for="mode">Mode</label>
                <select id="mode" name="mode"><option value="add-only">Add only (existing accounts untouched)</option><option value="replace">Replace existing accounts</option></select>
                <p><button type="submit" id="restore">Restore</button></p>
                """), confirm: "Restore this backup?", multipart: true)}
            </section>
            """);
        return WebResults.Page(context, "Backup", body, errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
