using Origin.Binding;
using Origin.Settings;

namespace Origin.Edge;

/// <summary>How long the edge keeps a response: its own TTL, or the origin's Cache-Control.</summary>
public sealed record EdgeTtl(string Mode, long? Seconds)
{
    public static EdgeTtl RespectOrigin { get; } = new("respect_origin", null);
    public static EdgeTtl Override(long seconds) => new("override_origin", seconds);
}

/// <summary>
/// How long browsers may keep a response. Without one on the rule, the zone's Browser Cache TTL (4 hours on
/// every plan) replaces any shorter origin max-age
/// (https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/): a live playlist would freeze in the
/// viewer's browser. respect_origin passes the origin's Cache-Control through.
/// </summary>
public sealed record BrowserTtl(string Mode, long? Seconds)
{
    public static BrowserTtl RespectOrigin { get; } = new("respect_origin", null);
}

/// <summary>One rule of the zone's http_request_cache_settings ruleset.</summary>
/// <param name="BrowserTtl">Null: the zone's Browser Cache TTL applies to what the rule caches.</param>
/// <param name="IgnoreQueryString">Cache key without the query string, so a per-viewer token does not split the cache (AUDIT-NOTES #13).
/// Cloudflare offers per-parameter exclusion only on Enterprise; ignoring the whole query string works on every plan and the media URLs carry nothing else.</param>
public sealed record CacheRule(string Ref, string Description, string Expression, bool Cache, EdgeTtl? EdgeTtl, bool IgnoreQueryString, BrowserTtl? BrowserTtl = null);

/// <summary>One rule of the zone's http_ratelimit ruleset.</summary>
public sealed record RateLimitRule(
    string Ref, string Description, string Expression, string Action,
    IReadOnlyList<string> Characteristics, long Period, long RequestsPerPeriod, long MitigationTimeout);

/// <summary>A zone setting by its Cloudflare id.</summary>
public sealed record ZoneSettingValue(string Id, string Value);

/// <summary>
/// The Cloudflare edge as plain data, from validated settings: the Pulumi layer maps it one to one
/// onto provider resources, and the tests read it without Pulumi.
/// </summary>
public sealed record EdgePolicy(
    string RecordName,
    IReadOnlyList<CacheRule> CacheRules,
    IReadOnlyList<RateLimitRule> RateLimitRules,
    IReadOnlyList<ZoneSettingValue> ZoneSettings,
    bool TieredCache,
    IReadOnlyList<string> CertificateHostnames,
    int CertificateDays)
{
    /// <summary>Cloudflare requires the colo in every rate-limit rule's characteristics; counting is per client IP within it.</summary>
    public static readonly IReadOnlyList<string> RateLimitCharacteristics = ["cf.colo.id", "ip.src"];

    public static EdgePolicy Build(OriginSettings s)
    {
        var cf = s.Cloudflare;
        var record = cf.Record?.Value ?? throw new InvalidOperationException("cloudflare.record is validated before the edge is built");
        var limits = PlanLimits.For(cf.Plan);
        var host = $"http.host eq \"{record}\"";
        var media = $"starts_with(http.request.uri.path, \"{s.Hls.UrlPrefix}\")";
        var segments = $"({host} and {media} and http.request.uri.path.extension in {{\"ts\" \"m4s\" \"mp4\"}})";
        var playlists = $"({host} and {media} and http.request.uri.path.extension eq \"m3u8\")";

        var cacheRules = new List<CacheRule>
        {
            new("segments", $"HLS segments: immutable, cached {cf.SegmentEdgeTtl} at the edge, one cache entry for all viewers", segments,
                Cache: true, EdgeTtl.Override(cf.SegmentEdgeTtl.Seconds), IgnoreQueryString: true, BrowserTtl.RespectOrigin),
            new("playlists", cf.PlaylistEdgeTtl is { } ttl
                    ? $"HLS playlists: cached {ttl} at the edge, one cache entry for all viewers"
                    : "HLS playlists: cached for the origin's max-age (half a segment), one cache entry for all viewers", playlists,
                Cache: true, cf.PlaylistEdgeTtl is { } t ? EdgeTtl.Override(t.Seconds) : EdgeTtl.RespectOrigin, IgnoreQueryString: true,
                BrowserTtl.RespectOrigin),
        };
        if (s.Nginx.ApiPrefix is { } api)
            cacheRules.Add(new("api", "Stream API: never cached", $"({host} and starts_with(http.request.uri.path, \"{api}\"))",
                Cache: false, null, IgnoreQueryString: false));

        // Free plans may only match on the path in a rate-limiting rule.
        string Scoped(string pathCondition) => limits.RuleExpressionMayUseHost ? $"({host} and {pathCondition})" : $"({pathCondition})";
        var rateLimits = cf.RateLimits.Select(r => new RateLimitRule(
            r.Name.Value,
            $"{r.Name}: {r.Requests} requests per {r.Period} per client IP and colo",
            r.Scope switch
            {
                RateLimitScope.Media => Scoped(media),
                RateLimitScope.Playlists => Scoped($"{media} and ends_with(http.request.uri.path, \".m3u8\")"),
                _ => Scoped($"starts_with(http.request.uri.path, \"{s.Nginx.ApiPrefix}\")"),
            },
            SettingsBinder.EnumName(r.Action),
            RateLimitCharacteristics, r.Period.Seconds, r.Requests, r.MitigationTimeout.Seconds)).ToList();

        IReadOnlyList<ZoneSettingValue> zoneSettings =
        [
            new("ssl", SettingsBinder.EnumName(cf.SslMode)),
            new("min_tls_version", SettingsBinder.EnumName(cf.MinTlsVersion)),
            new("always_use_https", cf.AlwaysUseHttps ? "on" : "off"),
        ];
        return new EdgePolicy(record, cacheRules, rateLimits, zoneSettings, cf.TieredCache, [record], cf.OriginCertificateDays);
    }
}
