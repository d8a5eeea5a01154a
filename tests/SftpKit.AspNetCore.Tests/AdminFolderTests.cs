using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Virtual folders on their own: defined before any account, mounted by name, changed for every mount at once.</summary>
public sealed class AdminFolderTests
{
    private static JsonObject Folder(string name, string root, long quotaFiles = 0) => new()
    {
        ["name"] = name,
        ["fileSystem"] = new JsonObject { ["provider"] = "local", ["root"] = root },
        ["quotaFiles"] = quotaFiles,
        ["description"] = "team share",
    };

    private static async Task UploadAsync(AdminTestServer server, string user, string path, string text)
    {
        using var sftp = server.SftpClient(user);
        await sftp.ConnectAsync(CancellationToken.None);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await sftp.UploadFileAsync(content, path, CancellationToken.None);
        sftp.Disconnect();
    }

    [Fact]
    public async Task A_folder_is_created_unmounted_mounted_by_name_moved_for_every_account_and_deleted_once_unmounted()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        string first = Path.Combine(server.Directory, "shared-1"), second = Path.Combine(server.Directory, "shared-2");

        using (var created = await api.PostJsonAsync("/api/v2/folders", Folder("shared", first, quotaFiles: 100)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("/api/v2/folders/shared", created.Headers.Location?.OriginalString);
        }
        using (var listed = await api.GetAsync("/api/v2/folders"))
        {
            var folder = (await listed.BodyAsync())!.AsArray().Single()!;
            Assert.Equal(("shared", first, 100L), (folder["name"]!.GetValue<string>(), folder["fileSystem"]!["root"]!.GetValue<string>(), folder["quotaFiles"]!.GetValue<long>()));
            Assert.Empty(folder["users"]!.AsArray());
            Assert.Equal(0, folder["usedFiles"]!.GetValue<long>());
        }

        // Two accounts mount it by name only; they get its storage and quota.
        foreach (string user in (string[])["alice", "bob"])
        {
            var account = server.NewAccount(user);
            account["virtualFolders"] = new JsonArray(new JsonObject { ["name"] = "shared", ["virtualPath"] = "/team" });
            using var response = await api.PostJsonAsync("/api/v2/users", account);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var mount = (await response.BodyAsync())!["virtualFolders"]![0]!;
            Assert.Equal(first, mount["fileSystem"]!["root"]!.GetValue<string>());
            Assert.Equal(100, mount["quotaFiles"]!.GetValue<long>());
        }
        await UploadAsync(server, "alice", "/team/a.txt", "from alice");
        Assert.Equal("from alice", await File.ReadAllTextAsync(Path.Combine(first, "a.txt")));
        using (var one = await api.GetAsync("/api/v2/folders/shared"))
        {
            var users = (await one.BodyAsync())!["users"]!.AsArray().Select(u => $"{u!["userName"]}:{u["virtualPath"]}");
            Assert.Equal(["alice:/team", "bob:/team"], users);
        }

        // Moving the folder changes every account that mounts it; the next session writes to the new place.
        using (var moved = await api.PutJsonAsync("/api/v2/folders/shared", Folder("shared", second, quotaFiles: 7)))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            Assert.Equal(2, (await moved.BodyAsync())!["users"]!.AsArray().Count);
        }
        foreach (string user in (string[])["alice", "bob"])
        {
            var stored = (await server.Users.FindAsync(user, CancellationToken.None))!.VirtualFolders.Single();
            Assert.Equal((second, 7L, "/team"), (stored.FileSystem.Root, stored.QuotaFiles, stored.VirtualPath));
        }
        await UploadAsync(server, "bob", "/team/b.txt", "from bob");
        Assert.Equal("from bob", await File.ReadAllTextAsync(Path.Combine(second, "b.txt")));

        // Mounting it with another storage would split the folder: refused.
        var carol = server.NewAccount("carol");
        carol["virtualFolders"] = new JsonArray(new JsonObject { ["name"] = "shared", ["virtualPath"] = "/x", ["fileSystem"] = new JsonObject { ["provider"] = "local", ["root"] = first } });
        using (var split = await api.PostJsonAsync("/api/v2/users", carol))
        {
            await split.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Null(await server.Users.FindAsync("carol", CancellationToken.None));

        // Deleting is refused while mounted, then allowed; the files stay.
        using (var refused = await api.DeleteAsync("/api/v2/folders/shared"))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("alice", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        foreach (string user in (string[])["alice", "bob"])
        {
            using var unmount = await api.PutJsonAsync($"/api/v2/users/{user}", server.NewAccount(user));
            Assert.Equal(HttpStatusCode.OK, unmount.StatusCode);
        }
        using (var listed = await api.GetAsync("/api/v2/folders/shared"))
        {
            Assert.Empty((await listed.BodyAsync())!["users"]!.AsArray()); // kept in the folder store after the last unmount
        }
        using (var deleted = await api.DeleteAsync("/api/v2/folders/shared"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await api.GetAsync("/api/v2/folders/shared"))
        {
            await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.True(File.Exists(Path.Combine(second, "b.txt")));
    }

    [Fact]
    public async Task Bad_folder_input_gets_problem_details_and_changes_nothing()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        string root = Path.Combine(server.Directory, "f");
        using (var ok = await api.PostJsonAsync("/api/v2/folders", Folder("keep", root)))
        {
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        var cases = new (JsonNode Body, string Field)[]
        {
            (Folder("a/b", root), "name"),
            (Folder("", root), "name"),
            (Folder("trav", "/srv/../etc"), "fileSystem.root"),
            (Folder("rel", "relative/dir"), "fileSystem.root"),
            (new JsonObject { ["name"] = "nofs" }, "fileSystem"),
            (new JsonObject { ["name"] = "nullfs", ["fileSystem"] = null }, "fileSystem"),
            (new JsonObject { ["name"] = "prov", ["fileSystem"] = new JsonObject { ["provider"] = "ftp", ["root"] = root } }, "fileSystem.provider"),
            (new JsonObject { ["name"] = "neg", ["fileSystem"] = new JsonObject { ["root"] = root }, ["quotaSize"] = -1 }, "quotaSize"),
            (new JsonObject { ["name"] = "type", ["fileSystem"] = new JsonObject { ["root"] = root }, ["quotaFiles"] = "ten" }, "quotaFiles"),
            (new JsonObject { ["name"] = "extra", ["fileSystem"] = new JsonObject { ["root"] = root }, ["owner"] = "x" }, "owner"),
            (new JsonArray(), "body"),
        };
        foreach (var (body, field) in cases)
        {
            using var response = await api.PostJsonAsync("/api/v2/folders", body);
            Assert.Contains(field, await response.AssertValidationProblemAsync());
        }
        using (var duplicate = await api.PostJsonAsync("/api/v2/folders", Folder("keep", root)))
        {
            await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        using (var notJson = await api.PostRawAsync("/api/v2/folders", "name=x", "application/x-www-form-urlencoded"))
        {
            await notJson.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        }
        using (var renamed = await api.PutJsonAsync("/api/v2/folders/keep", Folder("other", root)))
        {
            Assert.Contains("name", await renamed.AssertValidationProblemAsync());
        }
        using (var traversal = await api.PutJsonAsync("/api/v2/folders/keep", Folder("keep", "/srv/x/../../etc")))
        {
            Assert.Contains("fileSystem.root", await traversal.AssertValidationProblemAsync());
        }
        using (var unknown = await api.PutJsonAsync("/api/v2/folders/nope", Folder("nope", root)))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var unknownDelete = await api.DeleteAsync("/api/v2/folders/nope"))
        {
            await unknownDelete.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var badPage = await api.GetAsync("/api/v2/folders?limit=0"))
        {
            Assert.Contains("limit", await badPage.AssertValidationProblemAsync());
        }
        // An account mounting an unknown folder by name only is refused too.
        var account = server.NewAccount("dave");
        account["virtualFolders"] = new JsonArray(new JsonObject { ["name"] = "ghost", ["virtualPath"] = "/g" });
        using (var ghost = await api.PostJsonAsync("/api/v2/users", account))
        {
            Assert.Contains("virtualFolders[0].fileSystem", await ghost.AssertValidationProblemAsync());
        }

        using (var viewer = server.Client(await server.TokenAsync("viewer")))
        using (var forbidden = await viewer.PostJsonAsync("/api/v2/folders", Folder("v", root)))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var anonymous = server.Client())
        using (var unauthorized = await anonymous.GetAsync("/api/v2/folders"))
        {
            await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var listed = await api.GetAsync("/api/v2/folders");
        var folders = (await listed.BodyAsync())!.AsArray();
        Assert.Equal(["keep"], folders.Select(f => f!["name"]!.GetValue<string>()));
        Assert.Equal(root, folders[0]!["fileSystem"]!["root"]!.GetValue<string>());
        Assert.Null(await server.Users.FindAsync("dave", CancellationToken.None));
    }

    [Fact]
    public async Task Dump_and_restore_carry_folders_no_account_mounts()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        string root = Path.Combine(server.Directory, "lonely");
        using (var created = await api.PostJsonAsync("/api/v2/folders", Folder("lonely", root, quotaFiles: 3)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using var dump = await api.GetAsync("/api/v2/dumpdata");
        var document = (await dump.BodyAsync())!;
        Assert.Equal("lonely", document["folders"]![0]!["name"]!.GetValue<string>());

        using (var deleted = await api.DeleteAsync("/api/v2/folders/lonely"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        var badFolder = document.DeepClone();
        badFolder["folders"]![0]!["fileSystem"]!["root"] = "/a/../b";
        using (var refused = await api.PostJsonAsync("/api/v2/loaddata", badFolder))
        {
            Assert.Contains("folders[0].fileSystem.root", await refused.AssertValidationProblemAsync());
        }
        using (var missing = await api.GetAsync("/api/v2/folders/lonely"))
        {
            await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var restored = await api.PostJsonAsync("/api/v2/loaddata", document))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }
        using var back = await api.GetAsync("/api/v2/folders/lonely");
        var folder = (await back.BodyAsync())!;
        Assert.Equal((root, 3L), (folder["fileSystem"]!["root"]!.GetValue<string>(), folder["quotaFiles"]!.GetValue<long>()));
    }
}
