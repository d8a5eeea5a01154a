using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>
/// The test host of the web pages: <see cref="AdminTestServer"/> (a real SftpKit server and the admin API on
/// 127.0.0.1, free ports) with the web interfaces mapped as the sample maps them: the WebAdmin at
/// <see cref="AdminPath"/>, the WebClient at <see cref="ClientPath"/> and the public share links at <see cref="SharesPath"/>.
/// </summary>
public static class WebTestServer
{
    public const string AdminPath = "/web/admin";

    public const string ClientPath = "/web/client";

    public const string SharesPath = "/web/client/pubshares";

    public static Task<AdminTestServer> StartAsync(bool seedAdmins = true) =>
        AdminTestServer.StartAsync(
            services: s => s.AddSftpWebAdmin().AddSftpWebClient().AddSftpShares(),
            endpoints: app =>
            {
                app.MapSftpWebAdmin(AdminPath);
                app.MapSftpWebClient(ClientPath);
                app.MapSftpShares(SharesPath);
            },
            seedAdmins: seedAdmins);
}
