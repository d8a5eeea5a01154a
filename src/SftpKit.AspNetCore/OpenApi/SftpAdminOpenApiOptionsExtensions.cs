using SftpKit.AspNetCore.OpenApi;

namespace Microsoft.AspNetCore.OpenApi;

/// <summary>OpenAPI document settings for the SftpKit admin API.</summary>
public static class SftpAdminOpenApiOptionsExtensions
{
    /// <summary>
    /// Declares the admin API's authentication in the document: security schemes <c>bearer</c> (the JWT of
    /// <c>POST /token</c>), <c>apiKey</c> (the API key header, default <c>X-SFTPKIT-API-KEY</c>) and <c>basic</c> (for
    /// <c>POST /token</c> only), and on each admin operation the requirement "bearer or API key" with the permission
    /// it needs. Use as <c>services.AddOpenApi(o =&gt; o.AddSftpAdminSecuritySchemes())</c>.
    /// </summary>
    public static OpenApiOptions AddSftpAdminSecuritySchemes(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var security = new SftpAdminOpenApiSecurity();
        options.AddDocumentTransformer(security);
        options.AddOperationTransformer(security);
        return options;
    }
}
