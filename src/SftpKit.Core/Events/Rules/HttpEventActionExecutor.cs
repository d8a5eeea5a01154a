using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace SftpKit.Events.Rules;

/// <summary>
/// Sends the HTTP request of an <see cref="SftpEventActionType.Http"/> action: method, templated endpoint, headers,
/// query parameters and body (or multipart parts, a file part streamed from the account's storage), basic auth. Each
/// attempt is bounded by <see cref="SftpHttpActionSettings.TimeoutSeconds"/>; a failed attempt (5xx, 408, 429, network
/// error, timeout) is retried up to <see cref="SftpHttpActionSettings.MaxRetries"/> times with exponential backoff from
/// <see cref="SftpEventRuleOptions.HttpRetryDelay"/> (Microsoft.Extensions.Http.Resilience). Any other non-2xx answer
/// fails the action. Requests go through <see cref="IHttpClientFactory"/>, so the W3C trace context of the current
/// activity is sent with them.
/// </summary>
internal sealed class HttpEventActionExecutor : ISftpEventActionExecutor
{
    internal const string ClientName = "SftpKit.EventRules";
    internal const string InsecureClientName = "SftpKit.EventRules.Insecure";

    private readonly IHttpClientFactory _clients;
    private readonly SftpEventRuleOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(int Retries, int Timeout), ResiliencePipeline<HttpResponseMessage>> _pipelines = new();

    public HttpEventActionExecutor(IHttpClientFactory clients, IOptions<SftpEventRuleOptions> options, ILoggerFactory loggerFactory)
    {
        _clients = clients;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger(EventRulesLog.CategoryName);
    }

    public SftpEventActionType Type => SftpEventActionType.Http;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Action.Options.Http ?? throw new SftpEventActionException("the action has no HTTP settings");
        var uri = BuildUri(context, settings);
        var method = new HttpMethod(string.IsNullOrEmpty(settings.Method) ? "POST" : settings.Method.ToUpperInvariant());
        if (method != HttpMethod.Get && method != HttpMethod.Post && method != HttpMethod.Put && method != HttpMethod.Delete)
        {
            throw new SftpEventActionException("the HTTP method must be GET, POST, PUT or DELETE");
        }
        var client = _clients.CreateClient(settings.SkipTlsVerify ? InsecureClientName : ClientName);
        var pipeline = Pipeline(Math.Clamp(settings.MaxRetries, 0, 10), Math.Clamp(settings.TimeoutSeconds, 1, 180));
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(async token =>
            {
                using var request = await BuildRequestAsync(context, settings, method, uri, token).ConfigureAwait(false);
                return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SftpEventActionException("the HTTP request failed", ex);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            throw new SftpEventActionException("the HTTP request timed out", ex);
        }
        using (response)
        {
            EventRulesLog.HttpAnswered(_logger, context.Action.Name, (int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                throw new SftpEventActionException($"the endpoint answered HTTP {(int)response.StatusCode}");
            }
        }
    }

    private static Uri BuildUri(SftpEventActionContext context, SftpHttpActionSettings settings)
    {
        string endpoint = context.Render(settings.Endpoint);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new SftpEventActionException("the endpoint is not an absolute http or https URL");
        }
        if (settings.QueryParameters.Count == 0)
        {
            return uri;
        }
        var query = new StringBuilder(uri.Query.Length > 1 ? uri.Query[1..] : string.Empty);
        foreach (var parameter in settings.QueryParameters)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }
            query.Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(context.Render(parameter.Value)));
        }
        return new UriBuilder(uri) { Query = query.ToString() }.Uri;
    }

    private static async Task<HttpRequestMessage> BuildRequestAsync(SftpEventActionContext context, SftpHttpActionSettings settings, HttpMethod method,
        Uri uri, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, uri);
        try
        {
            if (settings.Parts.Count > 0)
            {
                request.Content = await BuildMultipartAsync(context, settings.Parts, cancellationToken).ConfigureAwait(false);
            }
            else if (!string.IsNullOrEmpty(settings.Body) && method != HttpMethod.Get)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(context.Render(settings.Body)));
            }
            foreach (var header in settings.Headers)
            {
                string value = context.Render(header.Value);
                if (!request.Headers.TryAddWithoutValidation(header.Key, value))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.Remove(header.Key);
                    request.Content.Headers.TryAddWithoutValidation(header.Key, value);
                }
            }
            if (!string.IsNullOrEmpty(settings.Username))
            {
                string credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
            }
            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    private static async Task<MultipartFormDataContent> BuildMultipartAsync(SftpEventActionContext context, List<SftpHttpPart> parts, CancellationToken cancellationToken)
    {
        var content = new MultipartFormDataContent();
        try
        {
            foreach (var part in parts)
            {
                HttpContent partContent;
                string? fileName = null;
                if (!string.IsNullOrEmpty(part.FilePath))
                {
                    string path = context.Render(part.FilePath);
                    var fs = await context.OpenFileSystemAsync(cancellationToken).ConfigureAwait(false);
                    Stream stream;
                    try
                    {
                        stream = await VfsReaderStream.OpenAsync(fs, path, cancellationToken).ConfigureAwait(false);
                    }
                    catch (FileSystem.VfsException ex)
                    {
                        throw new SftpEventActionException("the file to attach could not be read", ex);
                    }
                    partContent = new StreamContent(stream, 64 * 1024);
                    partContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    int slash = path.LastIndexOf('/');
                    fileName = slash < 0 ? path : path[(slash + 1)..];
                }
                else
                {
                    partContent = new ByteArrayContent(Encoding.UTF8.GetBytes(context.Render(part.Body)));
                    partContent.Headers.TryAddWithoutValidation("Content-Type", string.IsNullOrEmpty(part.ContentType) ? "text/plain; charset=utf-8" : part.ContentType);
                }
                foreach (var header in part.Headers)
                {
                    partContent.Headers.Remove(header.Key);
                    partContent.Headers.TryAddWithoutValidation(header.Key, context.Render(header.Value));
                }
                if (fileName is null)
                {
                    content.Add(partContent, part.Name);
                }
                else
                {
                    content.Add(partContent, part.Name, fileName);
                }
            }
            return content;
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline(int retries, int timeoutSeconds)
        => _pipelines.GetOrAdd((retries, timeoutSeconds), key =>
        {
            var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
            if (key.Retries > 0)
            {
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = key.Retries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = _options.HttpRetryDelay,
                });
            }
            builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(key.Timeout) });
            return builder.Build();
        });
}
