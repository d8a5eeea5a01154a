using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;

namespace SftpKit.Tests.Accounts.Interchange;

/// <summary>SFTPGo's user JSON to accounts and back, on the format's own documented examples.</summary>
public sealed class SftpGoUserJsonTests
{
    [Fact]
    public void Reads_the_documented_external_auth_example()
    {
        var account = SftpGoUserJson.ToAccount("""
            {"status":1,"username":"test_user","expiration_date":0,"home_dir":"/tmp/test_user","uid":0,"gid":0,"max_sessions":0,
             "quota_size":0,"quota_files":100000,"permissions":{"/":["*"],"/somedir":["list","download"]},"upload_bandwidth":0,
             "download_bandwidth":0,"filters":{"allowed_ip":[],"denied_ip":[]},"public_keys":[]}
            """);
        Assert.Equal("test_user", account.UserName);
        Assert.True(account.Enabled);
        Assert.Null(account.ExpiresAt);
        Assert.Equal("/tmp/test_user", account.HomeDirectory);
        Assert.Null(account.Uid);
        Assert.Equal(100000, account.QuotaFiles);
        Assert.Equal(["list", "download"], account.Permissions["/somedir"]);
        Assert.Null(account.FileSystem);
    }

    [Fact]
    public void Reads_status_dates_filters_storage_and_folders()
    {
        var account = SftpGoUserJson.ToAccount("""
            {"username":"u","expiration_date":1700000000000,"password":"plain-pw","uid":1001,"gid":1002,"max_sessions":3,
             "quota_size":1048576,"upload_bandwidth":100,"download_bandwidth":200,"description":"d","email":"u@example.com",
             "additional_info":"x","public_keys":["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3Bxkb4Pjnm1FDBBcp7CH2fzAXgyaWB3ppJKBt4ZRm3 a"],
             "filters":{"allowed_ip":["192.0.2.0/24"],"denied_ip":["172.16.0.0/16"],"denied_login_methods":["password-over-SSH","publickey+password"],
                        "file_patterns":[{"path":"/p","allowed_patterns":["*.jpg"],"denied_patterns":["*.zip"]}],"max_upload_file_size":5},
             "filesystem":{"provider":1,"s3config":{"bucket":"b","region":"r","access_key":"ak","access_secret":{"status":"Plain","payload":"sk"},
                           "endpoint":"http://127.0.0.1:9000","key_prefix":"pre/","force_path_style":true}},
             "virtual_folders":[{"name":"shared","mapped_path":"/srv/shared","virtual_path":"/shared","quota_size":-1,"quota_files":-1},
                                {"name":"own","mapped_path":"/srv/own","virtual_path":"/own","quota_size":10,"quota_files":2}]}
            """);
        Assert.False(account.Enabled); // no status = 0 = disabled, as the format defines
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), account.ExpiresAt);
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(account.PasswordHash!, "plain-pw"));
        Assert.Equal((1001, 1002, 3), (account.Uid!.Value, account.Gid!.Value, account.MaxSessions));
        Assert.Equal((1048576L, 100L, 200L), (account.QuotaSize, account.UploadBandwidth, account.DownloadBandwidth));
        Assert.Equal("u@example.com", account.Metadata[SftpGoUserJson.EmailMetadataKey]);
        Assert.Equal(["192.0.2.0/24"], account.AllowedIPs);
        Assert.Equal(["password"], account.DeniedLoginMethods);
        Assert.Equal("*.zip", account.FilePatterns.Single().DeniedPatterns.Single());
        Assert.Equal(5, account.MaxUploadFileSize);
        Assert.Equal("s3", account.FileSystem!.Provider);
        Assert.Equal("pre/", account.FileSystem.Root);
        Assert.Equal("sk", account.FileSystem.Settings["SecretAccessKey"]);
        Assert.Equal("true", account.FileSystem.Settings["ForcePathStyle"]);
        Assert.Equal(("/shared", "/srv/shared", 0L), (account.VirtualFolders[0].VirtualPath, account.VirtualFolders[0].FileSystem.Root, account.VirtualFolders[0].QuotaSize));
        Assert.True(account.VirtualFolders[1].HasOwnQuota);
    }

    [Fact]
    public void Round_trips_through_the_format()
    {
        var original = new SftpAccount
        {
            UserName = "round",
            PasswordHash = SftpPasswordHasher.Hash("pw"),
            HomeDirectory = "/home/round",
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(1800000000000),
            QuotaSize = 10,
            QuotaFiles = 20,
            PublicKeys = ["ssh-ed25519 AAAA k"],
            Permissions = { ["/"] = ["*"], ["/ro"] = ["list"] },
            AllowedIPs = ["10.0.0.0/8"],
            DeniedLoginMethods = ["publickey"],
            VirtualFolders = [new SftpVirtualFolder { Name = "f", VirtualPath = "/f", FileSystem = new SftpFileSystemConfig { Root = "/srv/f" }, QuotaSize = 7 }],
        };
        var json = SftpGoUserJson.FromAccount(original, includePasswordHash: true);
        Assert.NotEqual(0, (int)json["id"]!);
        var back = SftpGoUserJson.ToAccount(json.ToJsonString());
        Assert.Equal(original.UserName, back.UserName);
        Assert.Equal(original.PasswordHash, back.PasswordHash);
        Assert.Equal(original.ExpiresAt, back.ExpiresAt);
        Assert.Equal(original.Permissions["/ro"], back.Permissions["/ro"]);
        Assert.Equal(original.AllowedIPs, back.AllowedIPs);
        Assert.Equal(original.DeniedLoginMethods, back.DeniedLoginMethods);
        Assert.Equal(7, back.VirtualFolders.Single().QuotaSize);
        Assert.Equal("/srv/f", back.VirtualFolders.Single().FileSystem.Root);
        Assert.Null(SftpGoUserJson.FromAccount(original, includePasswordHash: false)["password"]);
    }

    [Fact]
    public void Reads_and_writes_azure_blob_storage_with_the_formats_field_names()
    {
        var account = SftpGoUserJson.ToAccount("""
            {"username":"az","filesystem":{"provider":3,"azblobconfig":{"container":"c","account_name":"acct",
             "account_key":{"status":"Plain","payload":"a2V5"},"endpoint":"http://127.0.0.1:10000","key_prefix":"users/az/",
             "access_tier":"Cool","use_emulator":true,"upload_part_size":8,"upload_concurrency":0}}}
            """);
        var fs = account.FileSystem!;
        Assert.Equal("azureblob", fs.Provider);
        Assert.Equal("users/az/", fs.Root);
        Assert.Equal("c", fs.Settings["container"]);
        Assert.Equal("acct", fs.Settings["account_name"]);
        Assert.Equal("a2V5", fs.Settings["account_key"]);
        Assert.Equal("true", fs.Settings["use_emulator"]);
        Assert.Equal("8", fs.Settings["upload_part_size"]);
        Assert.False(fs.Settings.ContainsKey("upload_concurrency"));
        var written = SftpGoUserJson.FromAccount(account, includePasswordHash: false)["filesystem"]!;
        Assert.Equal(3, (int)written["provider"]!);
        Assert.Equal("c", (string)written["azblobconfig"]!["container"]!);
        Assert.Equal("a2V5", (string)written["azblobconfig"]!["account_key"]!["payload"]!);
        Assert.Equal("users/az/", (string)written["azblobconfig"]!["key_prefix"]!);
    }

    [Fact]
    public void Refuses_unsupported_storage_and_wrong_types()
    {
        Assert.Throws<FormatException>(() => SftpGoUserJson.ToAccount("""{"username":"u","filesystem":{"provider":2}}"""));
        Assert.Throws<FormatException>(() => SftpGoUserJson.ToAccount("""{"username":5}"""));
        Assert.Throws<FormatException>(() => SftpGoUserJson.ToAccount("not json"));
    }

    [Fact]
    public void Group_mappings_are_read_and_written_with_the_formats_type_numbers()
    {
        var account = SftpGoUserJson.ToAccount("""
            {"username":"g","status":1,"groups":[{"name":"staff","type":1},{"name":"team","type":2},{"name":"tag","type":3},{"name":"odd","type":9},{"type":2}]}
            """);
        Assert.Equal([("staff", SftpGroupType.Primary), ("team", SftpGroupType.Secondary), ("tag", SftpGroupType.Membership)],
            account.Groups.Select(g => (g.Name, g.Type)));
        var written = SftpGoUserJson.FromAccount(account, includePasswordHash: false)["groups"]!.AsArray();
        Assert.Equal(["staff:1", "team:2", "tag:3"], written.Select(g => $"{g!["name"]}:{g["type"]}"));
    }

    [Fact]
    public void An_import_reports_every_field_it_does_not_take_over()
    {
        using var document = System.Text.Json.JsonDocument.Parse("""
            {"id":7,"username":"u","status":1,"password":"$1$unknownscheme","created_at":1,"used_quota_size":5,"has_password":true,
             "permissions":{"/":["*"],"/x":["list","teleport"]},"oidc_custom_fields":{"a":"b"},
             "filters":{"allowed_ip":[],"web_client":["write-disabled"],"tls_username":"None","hooks":{"pre_login_disabled":false},
                        "denied_login_methods":["TLSCertificate","password"],"denied_protocols":["SSH","FTP"],"start_directory":"/in",
                        "password_expiration":30,"access_time":[{"day_of_week":1,"from":"08:00","to":"18:00"}],
                        "file_patterns":[{"path":"/","denied_patterns":["*.exe"],"deny_policy":1}]},
             "filesystem":{"provider":5,"sftpconfig":{"endpoint":"[::1]:2022","username":"r","password":{"status":"AES-256-GCM","payload":"x","key":"k"},
                           "private_key":{"status":"Plain","payload":"KEY"},"fingerprints":["SHA256:abc"],"prefix":"/p","buffer_size":0,"equality_check_mode":1}}}
            """);
        var issues = new List<SftpGoImportIssue>();
        var account = SftpGoUserJson.ToAccount(document.RootElement, issues, "users[0]");
        var paths = issues.Select(i => i.Path).Order(StringComparer.Ordinal).ToList();
        string[] expected = ["users[0].password", "users[0].oidc_custom_fields", "users[0].permissions[\"/x\"]", "users[0].filters.web_client",
            "users[0].filters.start_directory", "users[0].filters.denied_login_methods", "users[0].filters.denied_protocols",
            "users[0].filters.file_patterns[0].deny_policy", "users[0].filesystem.sftpconfig.equality_check_mode",
            "users[0].filesystem.sftpconfig.password"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), paths);
        Assert.Null(account.PasswordHash); // an unverifiable hash is never taken as a plain password
        Assert.Equal(["list"], account.Permissions["/x"]);
        Assert.Equal(["password"], account.DeniedLoginMethods);
        Assert.Equal(["SSH"], account.DeniedProtocols);
        Assert.Equal(30, account.PasswordExpirationDays);
        Assert.Equal(("08:00", "18:00"), (account.AccessTime.Single().From, account.AccessTime.Single().To));
        Assert.Equal("sftp", account.FileSystem!.Provider);
        Assert.Equal("/p", account.FileSystem.Root);
        Assert.Equal(("::1", "2022", "KEY"), (account.FileSystem.Settings["Host"], account.FileSystem.Settings["Port"], account.FileSystem.Settings["PrivateKey"]));
        Assert.False(account.FileSystem.Settings.ContainsKey("Password"));
    }

    [Fact]
    public void Azure_and_encrypted_storage_map_both_ways()
    {
        var azure = SftpGoUserJson.ToAccount("""
            {"username":"az","status":1,"filesystem":{"provider":3,"azblobconfig":{"container":"c","account_name":"acct","account_key":{"status":"Plain","payload":"k=="},
              "endpoint":"http://127.0.0.1:10000","upload_part_size":8,"access_tier":"Cool","key_prefix":"p/","use_emulator":true}}}
            """);
        Assert.Equal(SftpGoUserJson.AzureBlobProvider, azure.FileSystem!.Provider);
        Assert.Equal("p/", azure.FileSystem.Root);
        Assert.Equal(("c", "acct", "k==", "8", "true"), (azure.FileSystem.Settings["container"], azure.FileSystem.Settings["account_name"],
            azure.FileSystem.Settings["account_key"], azure.FileSystem.Settings["upload_part_size"], azure.FileSystem.Settings["use_emulator"]));
        var written = SftpGoUserJson.FromAccount(azure, includePasswordHash: false)["filesystem"]!;
        Assert.Equal(3, (int)written["provider"]!);
        Assert.Equal("k==", (string)written["azblobconfig"]!["account_key"]!["payload"]!);

        var issues = new List<SftpGoImportIssue>();
        using var crypt = System.Text.Json.JsonDocument.Parse("""
            {"username":"cr","status":1,"home_dir":"/h","filesystem":{"provider":4,"cryptconfig":{"passphrase":{"status":"Plain","payload":"a long passphrase"}}}}
            """);
        var encrypted = SftpGoUserJson.ToAccount(crypt.RootElement, issues, "users[1]");
        Assert.Equal(("crypt", "/h", "a long passphrase"), (encrypted.FileSystem!.Provider, encrypted.FileSystem.Root, encrypted.FileSystem.Settings["passphrase"]));
        // Its files cannot be read here: said in the report.
        Assert.Equal("users[1].filesystem.cryptconfig", issues.Single().Path);
        Assert.Equal(4, (int)SftpGoUserJson.FromAccount(encrypted, includePasswordHash: false)["filesystem"]!["provider"]!);
    }

    [Fact]
    public void Storage_providers_without_an_equivalent_are_refused_even_when_importing()
    {
        using var gcs = System.Text.Json.JsonDocument.Parse("""{"username":"g","filesystem":{"provider":2,"gcsconfig":{"bucket":"b"}}}""");
        var error = Assert.Throws<FormatException>(() => SftpGoUserJson.ToAccount(gcs.RootElement, new List<SftpGoImportIssue>(), "users[0]"));
        Assert.Contains("Google Cloud Storage", error.Message, StringComparison.Ordinal);
    }
}
