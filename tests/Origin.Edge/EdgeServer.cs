using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Origin.Edge;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Origin.EdgeStandIn;

/// <summary>A viewer's request as the WAF custom rules see it (the hook for the policy's custom rules).</summary>
public sealed record EdgeRequest(RequestFields Fields, string Query, string ClientIp, DateTimeOffset At);

/// <summary>One request the edge answered, for the tests and the benchmark.</summary>
public sealed record EdgeLogEntry(DateTimeOffset At, string ClientIp, string Path, int Status, CacheStatus Cache, string? Rule);

public sealed record EdgeOptions
{
    /// <summary>"Blocked?" predicates standing for the policy's WAF custom rules (block action: 403), evaluated
    /// before rate limiting and cache, in the order of Cloudflare's phases
    /// (https://developers.cloudflare.com/ruleset-engine/reference/phases-list/).</summary>
    public IReadOnlyList<Func<EdgeRequest, bool>> CustomRules { get; init; } = [];

    /// <summary>The viewer-token keys the policy's token rule holds (the current one first): the keys the
    /// Pulumi layer writes into that rule's secret expression. Needed only when the policy has the rule (Pro and up).</summary>
    public IReadOnlyList<string> TokenKeys { get; init; } = [];

    /// <summary>The zone's Browser Cache TTL setting (browser_cache_ttl); Cloudflare's default.</summary>
    public TimeSpan ZoneBrowserTtl { get; init; } = Freshness.ZoneBrowserTtl;

    /// <summary>cf.colo.id of the one data centre the stand-in is.</summary>
    public string Colo { get; init; } = "1";

    /// <summary>Not Cloudflare: pages of the site served on the same host name (URL prefix to directory), so a test
    /// player loads the media same-origin as it would from the app's own page.</summary>
    public IReadOnlyDictionary<string, string> SitePages { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a request waits on another's cache fill before it goes to the origin itself (see
    /// <see cref="CacheTier"/>). Cloudflare publishes no value; 2 s is the lock timeout Pingora's own proxy tests
    /// run with (cloudflare/pingora at c0845a8, pingora-proxy/tests/utils/server_utils.rs, CacheLock::new_boxed),
    /// shorter than a cold start, so nothing may rely on a long fill being collapsed.</summary>
    public TimeSpan CacheLockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the edge waits for the origin's response headers before it answers 524: 100 s on every
    /// plan below Enterprise (https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/error-524/,
    /// https://developers.cloudflare.com/fundamentals/reference/connection-limits/).</summary>
    public TimeSpan OriginResponseTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// The edge stand-in: Kestrel on a free 127.0.0.1 port, forwarding to the loopback origin with YARP, applying the
/// policy's cache rules and rate-limiting rules as Cloudflare documents them (see <see cref="CacheSettings"/>,
/// <see cref="Freshness"/>, <see cref="EdgeCache"/>, <see cref="RateLimiter"/>). It sets CF-Connecting-IP to the
/// viewer's address (the TCP peer) on every origin request, replacing any the viewer sent
/// (https://developers.cloudflare.com/fundamentals/reference/http-headers/#cf-connecting-ip). Plain HTTP only:
/// TLS and Always Use HTTPS are not modelled.
/// </summary>
public sealed class EdgeServer : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "TE", "Trailer", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly EdgeOptions _options;
    private readonly IReadOnlyList<CompiledCacheRule> _cacheRules;
    private readonly RateLimiter _rateLimiter;
    private readonly Uri _origin;
    private readonly HttpMessageInvoker _upstream;
    private readonly IHttpForwarder _forwarder;
    private readonly ConcurrentQueue<EdgeLogEntry> _log = new();
    private long _rays;

    public EdgePolicy Policy { get; }
    public EdgeCache Cache { get; }
    public int Port { get; private set; }
    public Uri Url => new($"http://127.0.0.1:{Port}");
    public IReadOnlyCollection<EdgeLogEntry> Log => _log;

    private EdgeServer(EdgePolicy policy, Uri origin, EdgeOptions options)
    {
        Policy = policy;
        _options = options;
        _origin = origin;
        _cacheRules = policy.CacheRules.Select(CompiledCacheRule.From).ToList();
        _rateLimiter = new RateLimiter(policy.RateLimitRules, options.Clock);
        Cache = new EdgeCache(options.Clock, policy.TieredCache, options.CacheLockTimeout);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddHttpForwarder();
        _app = builder.Build();
        _forwarder = _app.Services.GetRequiredService<IHttpForwarder>();
        // YARP's own client settings for proxying (no proxy, no redirects, no cookies, no decompression), with
        // Cloudflare's origin connection limits.
        _upstream = new OriginConnections().CreateClient(new ForwarderHttpClientContext { NewConfig = HttpClientConfig.Empty });
        foreach (var (prefix, dir) in options.SitePages)
            _app.UseStaticFiles(new StaticFileOptions { RequestPath = prefix.TrimEnd('/'), FileProvider = new PhysicalFileProvider(dir), ServeUnknownFileTypes = false });
        _app.Run(Handle);
    }

    /// <summary>Starts an edge for <paramref name="policy"/> in front of the origin at <paramref name="origin"/> (http://127.0.0.1:port).</summary>
    public static async Task<EdgeServer> Start(EdgePolicy policy, Uri origin, EdgeOptions? options = null)
    {
        if (!IPAddress.IsLoopback(IPAddress.Parse(origin.Host))) throw new ArgumentException("the stand-in only talks to a loopback origin", nameof(origin));
        var edge = new EdgeServer(policy, origin, options ?? new EdgeOptions());
        await edge._app.StartAsync();
        var address = edge._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        edge.Port = new Uri(address).Port;
        return edge;
    }

    private async Task Handle(HttpContext context)
    {
        var request = context.Request;
        var clientIp = context.Connection.RemoteIpAddress?.MapToIPv4().ToString() ?? "0.0.0.0";
        // The policy's URL rewrites, then its token rule, before rate limits and cache (TimedHmac cites the
        // phases): what follows, cache key and origin request alike, sees the rewritten URI.
        var verdict = TimedHmac.Evaluate(Policy, _options.TokenKeys, request.Path.Value + request.QueryString.Value, _options.Clock.GetUtcNow().ToUnixTimeSeconds());
        var rewritten = verdict.OriginPathAndQuery.Split('?', 2);
        request.Path = rewritten[0];
        request.QueryString = rewritten.Length > 1 ? new QueryString("?" + rewritten[1]) : QueryString.Empty;
        if (!verdict.Allowed)
        {
            await Answer(context, 403, "blocked by the viewer-token rule\n", new RequestFields(request.Host.Host.ToLowerInvariant(), rewritten[0]), clientIp, Policy.TokenCheck?.Ref);
            return;
        }
        var fields = new RequestFields(request.Host.Host.ToLowerInvariant(), request.Path.Value ?? "/");
        var query = request.QueryString.Value ?? "";
        var now = _options.Clock.GetUtcNow();

        if (_options.CustomRules.Any(blocked => blocked(new EdgeRequest(fields, query, clientIp, now))))
        {
            await Answer(context, 403, "blocked by a WAF custom rule\n", fields, clientIp, null);
            return;
        }
        if (_rateLimiter.Check(fields, _options.Colo, clientIp, query) is { } limit)
        {
            await Answer(context, 429, $"rate limited by {limit.Ref}\n", fields, clientIp, limit.Ref);
            return;
        }

        var settings = CacheSettings.For(_cacheRules, fields);
        if (!settings.Eligible || !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            _rateLimiter.CountOriginRequest(fields, _options.Colo, clientIp, query);
            await Forward(context, clientIp);
            _log.Enqueue(new EdgeLogEntry(now, clientIp, fields.Path, context.Response.StatusCode, CacheStatus.Dynamic, settings.RuleRef));
            return;
        }

        var key = settings.Key(fields.Host, fields.Path, query);
        Served served;
        try
        {
            served = await Cache.Get(key, stale =>
            {
                _rateLimiter.CountOriginRequest(fields, _options.Colo, clientIp, query);
                return Fetch(context, clientIp, settings, stale);
            }, r => Ttl(settings, r));
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await Answer(context, 524, "a timeout occurred: the origin sent no response in time\n", fields, clientIp, null);
            return;
        }
        await Serve(context, served, settings);
        _log.Enqueue(new EdgeLogEntry(now, clientIp, fields.Path, context.Response.StatusCode, served.Status, settings.RuleRef));
    }

    /// <summary>
    /// A response from the cache (or a fill) to the viewer: the viewer's conditional request answered 304 when its
    /// validator matches, a single byte range answered 206 (416 when unsatisfiable) from the stored whole object,
    /// as Cloudflare serves range requests from a complete cached file ("One valid range": 206; on a cold miss the origin request omits Range;
    /// https://developers.cloudflare.com/cache/reference/range-requests/),
    /// with the semantics of RFC 9110 sections 13.1.2 (If-None-Match), 14.2 (Range) and 15.3.7 (206).
    /// </summary>
    private async Task Serve(HttpContext context, Served served, CacheSettings settings)
    {
        var (request, response, stored) = (context.Request, context.Response, served.Response);
        response.StatusCode = stored.Status;
        foreach (var (name, values) in stored.Headers)
            if (!name.Equals("Cache-Control", StringComparison.OrdinalIgnoreCase)) response.Headers[name] = values;
        if (Freshness.BrowserCacheControl(settings.BrowserTtl, CacheControl.Parse(stored.Header("Cache-Control")), _options.ZoneBrowserTtl) is { } browser)
            response.Headers.CacheControl = browser;
        response.Headers["CF-Cache-Status"] = served.Status.ToString().ToUpperInvariant();
        if (served.Age is { } age) response.Headers.Age = ((long)age.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = new ReadOnlyMemory<byte>(stored.Body);
        if (stored.Status == 200)
        {
            var etag = stored.Header("ETag");
            if (etag is not null && request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
            {
                response.StatusCode = 304;
                response.ContentLength = null;
                return;
            }
            response.Headers.AcceptRanges = "bytes";
            if (ByteRange.Parse(request.Headers.Range.ToString(), stored.Body.Length) is { } range)
            {
                if (range.Unsatisfiable)
                {
                    response.StatusCode = 416;
                    response.Headers.ContentRange = $"bytes */{stored.Body.Length}";
                    response.ContentLength = 0;
                    return;
                }
                response.StatusCode = 206;
                response.Headers.ContentRange = $"bytes {range.First}-{range.Last}/{stored.Body.Length}";
                body = body.Slice((int)range.First, (int)(range.Last - range.First + 1));
            }
        }
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(request.Method)) await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static TimeSpan? Ttl(CacheSettings settings, StoredResponse r) =>
        Freshness.EdgeTtl(settings.EdgeTtl, r.Status, CacheControl.Parse(r.Header("Cache-Control")), r.Header("Expires") is not null);

    /// <summary>A cache fill: the viewer's URL (query string and token included: the key leaves it out, the
    /// origin still gets it), without the viewer's conditional or range headers, so the whole object is stored.
    /// With a stale copy, a conditional request on its validators (If-None-Match from ETag, If-Modified-Since from
    /// Last-Modified): a 304 refreshes the stored copy's headers and keeps its body
    /// (https://developers.cloudflare.com/cache/concepts/revalidation/; RFC 9111 section 4.3.4).</summary>
    private async Task<Fetched> Fetch(HttpContext context, string clientIp, CacheSettings settings, StoredResponse? stale)
    {
        var request = context.Request;
        using var upstream = new HttpRequestMessage(HttpMethod.Get, new Uri(_origin, request.Path.Value + request.QueryString.Value)) { Version = HttpVersion.Version11 };
        OriginHeaders(upstream, request, clientIp);
        if (request.Headers.UserAgent is { Count: > 0 } ua) upstream.Headers.TryAddWithoutValidation("User-Agent", ua.ToArray());
        if (stale?.Header("ETag") is { } etag) upstream.Headers.TryAddWithoutValidation("If-None-Match", etag);
        if (stale?.Header("Last-Modified") is { } modified) upstream.Headers.TryAddWithoutValidation("If-Modified-Since", modified);
        // Independent of the viewer that happened to ask first: others may wait for the same fill.
        using var timeout = new CancellationTokenSource(_options.OriginResponseTimeout);
        using var answer = await _upstream.SendAsync(upstream, timeout.Token);
        var body = await answer.Content.ReadAsByteArrayAsync(timeout.Token);
        var headers = answer.Headers.Concat(answer.Content.Headers)
            .Where(h => !HopByHop.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray())).ToList();
        var status = (int)answer.StatusCode;
        if (status == 304 && stale is not null)
        {
            var names = headers.Select(h => h.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var merged = new StoredResponse(stale.Status, [.. stale.Headers.Where(h => !names.Contains(h.Key)), .. headers], stale.Body);
            // The TTL of a revalidation is the 304's (Freshness.EdgeTtl), read from the refreshed headers.
            return new Fetched(merged, Freshness.EdgeTtl(settings.EdgeTtl, 304, CacheControl.Parse(merged.Header("Cache-Control")), merged.Header("Expires") is not null), Revalidated: true);
        }
        var stored = new StoredResponse(status, headers, body);
        return new Fetched(stored, Ttl(settings, stored));
    }

    /// <summary>What every request to the origin carries from the edge.</summary>
    private void OriginHeaders(HttpRequestMessage upstream, HttpRequest request, string clientIp)
    {
        upstream.Headers.Remove("CF-Connecting-IP");
        upstream.Headers.Remove("X-Forwarded-For");
        upstream.Headers.Host = request.Host.Host;
        upstream.Headers.TryAddWithoutValidation("CF-Connecting-IP", clientIp);
        upstream.Headers.TryAddWithoutValidation("X-Forwarded-For", clientIp);
        upstream.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        upstream.Headers.TryAddWithoutValidation("CF-Ray", $"{Interlocked.Increment(ref _rays):x16}-{_options.Colo}");
    }

    /// <summary>Requests no cache rule makes eligible (the API, anything else): YARP forwards them as they are.</summary>
    private async Task Forward(HttpContext context, string clientIp)
    {
        var error = await _forwarder.SendAsync(context, _origin.ToString(), _upstream, ForwarderRequestConfig.Empty, new OriginTransformer(this, clientIp));
        if (error != ForwarderError.None && !context.Response.HasStarted) context.Response.StatusCode = 502;
    }

    /// <summary>
    /// Connections to the origin as Cloudflare keeps them: reused while idle up to the Proxy Idle Timeout (900 s),
    /// a connection attempt given up after the Complete TCP Connection limit (15 s, a 522)
    /// (https://developers.cloudflare.com/fundamentals/reference/connection-limits/). An origin that closes an idle
    /// connection sooner (nginx's keepalive_timeout) races the next request on it; validation keeps nginx's longer.
    /// </summary>
    private sealed class OriginConnections : ForwarderHttpClientFactory
    {
        protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
        {
            base.ConfigureHandler(context, handler);
            handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(900);
            handler.ConnectTimeout = TimeSpan.FromSeconds(15);
        }
    }

    private sealed class OriginTransformer(EdgeServer edge, string clientIp) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            edge.OriginHeaders(proxyRequest, httpContext.Request, clientIp);
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var copy = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            httpContext.Response.Headers["CF-Cache-Status"] = nameof(CacheStatus.Dynamic).ToUpperInvariant();
            return copy;
        }
    }

    private async Task Answer(HttpContext context, int status, string body, RequestFields fields, string clientIp, string? rule)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(body);
        _log.Enqueue(new EdgeLogEntry(_options.Clock.GetUtcNow(), clientIp, fields.Path, status, CacheStatus.Dynamic, rule));
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
