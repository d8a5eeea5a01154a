using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SftpKit.AspNetCore.Authentication;

namespace SftpKit.AspNetCore.OpenApi;

/// <summary>
/// Declares how the admin API authenticates in the OpenAPI document: the security schemes <c>bearer</c> (the JWT of
/// <c>POST /token</c>), <c>apiKey</c> (header <see cref="SftpAdminAuthenticationOptions.ApiKeyHeaderName"/>, default
/// <c>X-SFTPKIT-API-KEY</c>) and <c>basic</c> (admin name and password, only for <c>POST /token</c>), and on every
/// admin operation (those carrying <see cref="SftpAdminPermissionMetadata"/>) the requirement "bearer or API key",
/// with the permission it needs in the description.
/// </summary>
internal sealed class SftpAdminOpenApiSecurity : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string Bearer = "bearer";
    public const string ApiKey = "apiKey";
    public const string Basic = "basic";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        string header = context.ApplicationServices.GetService<IOptions<SftpAdminAuthenticationOptions>>()?.Value.ApiKeyHeaderName ?? "X-SFTPKIT-API-KEY";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The access_token of POST /token (admin name and password as HTTP Basic).",
        };
        document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = header,
            Description = "An API key (id.secret) of an admin allowed to use API keys.",
        };
        document.Components.SecuritySchemes[Basic] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "An admin's name and password; only POST /token takes them.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == "GetToken"))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Basic, context.Document)] = [] }];
            return Task.CompletedTask;
        }
        if (metadata.OfType<SftpAdminPermissionMetadata>().FirstOrDefault() is not { } permission)
        {
            return Task.CompletedTask;
        }
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, context.Document)] = [] },
        ];
        if (permission.Permission.Length > 0)
        {
            string note = $"Needs the admin permission `{permission.Permission}` (or `*`).";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? note : operation.Description + "\n\n" + note;
        }
        return Task.CompletedTask;
    }
}
