using Origin.Binding;
using Origin.Settings;

namespace Origin.Edge;

/// <summary>
/// The edge TTL for origin responses whose status is in From..To (inclusive), whatever their Cache-Control.
/// Value is seconds; -1 means no-store and 0 no-cache (https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/,
/// "Syntax"; terraform-provider-cloudflare v5.19.1 internal/services/ruleset/schema.go, edge_ttl.status_code_ttl).
/// </summary>
public sealed record StatusCodeTtl(int From, int To, long Value)
{
    public const long NoStore = -1;
}

/// <summary>How long the edge keeps a response: its own TTL, or the origin's Cache-Control.</summary>
/// <param name="StatusCodeTtls">TTLs that replace the mode's for responses of these statuses.</param>
public sealed record EdgeTtl(string Mode, long? Seconds, IReadOnlyList<StatusCodeTtl> StatusCodeTtls)
{
    public static EdgeTtl RespectOrigin { get; } = new("respect_origin", null, []);

    /// <summary>
    /// The edge's own TTL for a success; redirects and errors are not stored. "Override origin" ignores the
    /// origin's Cache-Control (https://developers.cloudflare.com/cache/how-to/cache-rules/settings/#edge-ttl),
    /// so nginx's no-store on a media error would not count: a 404, a refused token's 403, a rate limit's
    /// 429 or a failed start's 5xx would be kept for the whole TTL under a key without the token, and served
    /// to every viewer. A redirect is not the object either. 304 stays with the mode: it revalidates the
    /// cached success, and a 304 TTL of its own would replace the success's at the first revalidation
    /// (https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/, "TTL handling for 304
    /// and 200 status codes"). The provider's acceptance test combines this mode with status code TTLs of -1
    /// (terraform-provider-cloudflare v5.19.1 internal/services/ruleset/testdata/TestAccCloudflareRuleset_SetCacheSettingsRules/3.tf).
    /// Every plan has status code TTLs since https://github.com/cloudflare/cloudflare-docs/pull/18587
    /// (December 2024, "All Customers can Create a Cache Rule and set Edge TTL based on StatusCode"; the page
    /// said Enterprise before).
    /// </summary>
    public static EdgeTtl Override(long seconds) => new("override_origin", seconds, OnlySuccessStored);

    private static readonly IReadOnlyList<StatusCodeTtl> OnlySuccessStored =
        [new(300, 303, StatusCodeTtl.NoStore), new(305, 599, StatusCodeTtl.NoStore)];

    public bool Equals(EdgeTtl? other) =>
        other is not null && Mode == other.Mode && Seconds == other.Seconds && StatusCodeTtls.SequenceEqual(other.StatusCodeTtls);

    public override int GetHashCode() => HashCode.Combine(Mode, Seconds, StatusCodeTtls.Count);
}

/// <summary>
/// How long browsers keep a response. Without one in the rule, the zone's Browser Cache TTL (4 hours by
/// default, on every plan) replaces any shorter origin max-age, so a playlist's max-age=1 would reach
/// viewers as max-age=14400 (https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/).
/// "Respect origin" keeps the origin's Cache-Control; it is a mode without a TTL, so no plan minimum
/// applies and every plan has it (https://developers.cloudflare.com/cache/how-to/cache-rules/settings/#browser-ttl).
/// </summary>
public sealed record BrowserTtl(string Mode)
{
    public static BrowserTtl RespectOrigin { get; } = new("respect_origin");
}

/// <summary>One rule of the zone's http_request_cache_settings ruleset.</summary>
/// <param name="BrowserTtl">Null: the zone's Browser Cache TTL applies to what the rule caches.</param>
/// <param name="IgnoreQueryString">Cache key without the query string, so a per-viewer token does not split the cache (AUDIT-NOTES #13).
/// Cloudflare offers per-parameter exclusion only on Enterprise; ignoring the whole query string works on every plan and the media URLs carry nothing else.</param>
public sealed record CacheRule(string Ref, string Description, string Expression, bool Cache, EdgeTtl? EdgeTtl, BrowserTtl? BrowserTtl, bool IgnoreQueryString);

/// <summary>One rule of the zone's http_ratelimit ruleset.</summary>
/// <param name="RequestsToOrigin">Count only requests that reach the origin ("Also apply rate limiting to cached assets"
/// off; https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/); Business and up.</param>
public sealed record RateLimitRule(
    string Ref, string Description, string Expression, string Action,
    IReadOnlyList<string> Characteristics, long Period, long RequestsPerPeriod, long MitigationTimeout, bool RequestsToOrigin = false);

/// <summary>
/// One rule of the zone's http_config_settings ruleset: the SSL/TLS mode for matching requests only
/// (https://developers.cloudflare.com/rules/configuration-rules/settings/#ssl), on every plan
/// (Free 10 rules, https://developers.cloudflare.com/rules/configuration-rules/#availability).
/// </summary>
public sealed record ConfigRule(string Ref, string Description, string Expression, string Ssl);

/// <summary>
/// One rule of the zone's http_request_dynamic_redirect ruleset (Single Redirects, every plan). Cloudflare's
/// advice for redirecting only part of a zone to https, instead of Always Use HTTPS, which covers every
/// host name (https://developers.cloudflare.com/ssl/edge-certificates/additional-options/always-use-https/,
/// https://developers.cloudflare.com/rules/url-forwarding/examples/redirect-admin-https/).
/// </summary>
public sealed record RedirectRule(string Ref, string Description, string Expression, string TargetUrlExpression, int StatusCode, bool PreserveQueryString);

/// <summary>A zone setting by its Cloudflare id: applies to every host name in the zone.</summary>
public sealed record ZoneSettingValue(string Id, string Value);

/// <summary>A per-host-name TLS setting (Advanced Certificate Manager only).</summary>
public sealed record HostnameTlsValue(string Hostname, string SettingId, string Value);

/// <summary>Cloudflare's phase names of the zone entry-point rulesets the stack writes.</summary>
public static class Phases
{
    public const string Cache = "http_request_cache_settings";
    public const string RateLimit = "http_ratelimit";
    public const string Config = "http_config_settings";
    public const string Redirect = "http_request_dynamic_redirect";
    public const string Transform = "http_request_transform";
    public const string Custom = "http_request_firewall_custom";
}

/// <summary>
/// The Cloudflare edge as plain data, from validated settings: the Pulumi layer maps it one to one
/// onto provider resources, and the tests read it without Pulumi.
/// </summary>
/// <param name="ZoneSettings">Zone-wide settings: only with cloudflare.zoneWideSettings, the operator's explicit choice.</param>
/// <param name="ConfigRules">The TLS mode for the record's host name, when the zone-wide ssl setting is left alone.</param>
/// <param name="RedirectRules">http to https for the record's host name, when the zone-wide Always Use HTTPS is left alone.</param>
/// <param name="Adoption">Existing objects the stack takes over (imports) instead of creating.</param>
/// <param name="TokenCheck">Null on the Free plan, which has no is_timed_hmac_valid_v0 (validation makes the operator accept that).</param>
/// <param name="BotFightModeOff">Turn the zone's Bot Fight Mode off (Free plan, the operator's explicit choice: it is zone-wide).</param>
public sealed record EdgePolicy(
    string RecordName,
    IReadOnlyList<CacheRule> CacheRules,
    IReadOnlyList<UrlRewriteRule> UrlRewrites,
    TokenRule? TokenCheck,
    IReadOnlyList<RateLimitRule> RateLimitRules,
    IReadOnlyList<ConfigRule> ConfigRules,
    IReadOnlyList<RedirectRule> RedirectRules,
    IReadOnlyList<ZoneSettingValue> ZoneSettings,
    IReadOnlyList<HostnameTlsValue> HostnameTlsSettings,
    bool TieredCache,
    IReadOnlyList<string> CertificateHostnames,
    int CertificateDays,
    EdgeAdoption Adoption,
    bool BotFightModeOff)
{
    /// <summary>Cloudflare requires the colo in every rate-limit rule's characteristics; counting is per client IP within it.</summary>
    public static readonly IReadOnlyList<string> RateLimitCharacteristics = ["cf.colo.id", "ip.src"];

    /// <summary>Per viewer token within the colo: the rewritten query's verify argument ("Query value of",
    /// http.request.uri.args["<query_param_name>"], https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/#with-the-same-characteristics).
    /// Rate limiting runs after the URL rewrite and the token rule
    /// (https://developers.cloudflare.com/ruleset-engine/reference/phases-list/), so it counts only valid tokens,
    /// and one viewer's token never counts another's requests.</summary>
    public static readonly IReadOnlyList<string> TokenRateLimitCharacteristics = ["cf.colo.id", $"http.request.uri.args[\"{Origin.Tokens.ViewerTokens.Parameter}\"]"];

    public static EdgePolicy Build(OriginSettings s)
    {
        var cf = s.Cloudflare;
        var record = cf.Record?.Value ?? throw new InvalidOperationException("cloudflare.record is validated before the edge is built");
        var limits = PlanLimits.For(cf.Plan);
        var host = $"http.host eq \"{record}\"";
        var media = $"starts_with(http.request.uri.path, \"{s.Hls.UrlPrefix}\")";
        var segments = $"({host} and {media} and http.request.uri.path.extension in {{\"ts\" \"m4s\" \"mp4\"}})";
        var playlists = $"({host} and {media} and http.request.uri.path.extension eq \"m3u8\")";

        // Browsers respect the origin's Cache-Control for media: max-age=1 on playlists, immutable segments.
        var cacheRules = new List<CacheRule>
        {
            new("segments", $"HLS segments: immutable, cached {cf.SegmentEdgeTtl} at the edge (errors never), one cache entry for all viewers", segments,
                Cache: true, EdgeTtl.Override(cf.SegmentEdgeTtl.Seconds), BrowserTtl.RespectOrigin, IgnoreQueryString: true),
            new("playlists", cf.PlaylistEdgeTtl is { } ttl
                    ? $"HLS playlists: cached {ttl} at the edge (errors never), one cache entry for all viewers"
                    : "HLS playlists: cached for the origin's max-age (half a segment), one cache entry for all viewers", playlists,
                Cache: true, cf.PlaylistEdgeTtl is { } t ? EdgeTtl.Override(t.Seconds) : EdgeTtl.RespectOrigin, BrowserTtl.RespectOrigin, IgnoreQueryString: true),
        };
        if (s.Nginx.ApiPrefix is { } api)
            cacheRules.Add(new("api", "Stream API: never cached", $"({host} and starts_with(http.request.uri.path, \"{api}\"))",
                Cache: false, null, null, IgnoreQueryString: false));

        // Free plans may only match on the path (and verified bots) in a rate-limiting rule, so there the rule
        // limits the media path on every host name in the zone
        // (https://developers.cloudflare.com/waf/rate-limiting-rules/#availability, "Available fields in rule expression").
        string Scoped(string pathCondition) => limits.RuleExpressionMayUseHost ? $"({host} and {pathCondition})" : $"({pathCondition})";
        var rateLimits = cf.RateLimits.Select(r => new RateLimitRule(
            r.Name.Value,
            $"{r.Name}: {r.Requests} {(r.CountCached ? "requests" : "origin requests")} per {r.Period} per {(r.Per == RateLimitKey.Token ? "viewer token" : "client IP")} and colo",
            r.Scope switch
            {
                RateLimitScope.Media => Scoped(media),
                RateLimitScope.Playlists => Scoped($"{media} and ends_with(http.request.uri.path, \".m3u8\")"),
                _ => Scoped($"starts_with(http.request.uri.path, \"{s.Nginx.ApiPrefix}\")"),
            },
            SettingsBinder.EnumName(r.Action),
            r.Per == RateLimitKey.Token ? TokenRateLimitCharacteristics : RateLimitCharacteristics,
            r.Period.Seconds, r.Requests, r.MitigationTimeout.Seconds, RequestsToOrigin: !r.CountCached)).ToList();

        var ssl = SettingsBinder.EnumName(cf.SslMode);
        var minTls = cf.MinTlsVersion is { } v ? SettingsBinder.EnumName(v) : null;
        List<ZoneSettingValue> zoneSettings = [];
        List<ConfigRule> configRules = [];
        List<RedirectRule> redirectRules = [];
        List<HostnameTlsValue> hostnameTls = [];
        if (cf.ZoneWideSettings)
        {
            zoneSettings.Add(new("ssl", ssl));
            if (minTls is not null) zoneSettings.Add(new("min_tls_version", minTls));
            zoneSettings.Add(new("always_use_https", cf.AlwaysUseHttps ? "on" : "off"));
        }
        // The validation admits a minimum TLS version without zone-wide settings only with Advanced Certificate Manager.
        else if (minTls is not null && cf.AdvancedCertificateManager)
            hostnameTls.Add(new(record, "min_tls_version", minTls));
        if (cf.TlsByConfigRule)
            configRules.Add(new("tls", $"{record}: Full (strict) to the origin, whatever the zone's SSL/TLS mode", $"({host})", ssl));
        // "not ssl" keeps the rule from matching its own target (Cloudflare's example above).
        if (cf.HttpsByRedirectRule)
            redirectRules.Add(new("https", $"{record}: http to https", $"({host} and not ssl)",
                "concat(\"https://\", http.host, http.request.uri.path)", 301, PreserveQueryString: true));
        return new EdgePolicy(record, cacheRules, TokenRules.Rewrites(s, host), TokenRules.Check(s, host), rateLimits, configRules, redirectRules, zoneSettings, hostnameTls,
            cf.TieredCache, [record], cf.OriginCertificateDays, cf.Adopt, cf.BotFightModeOff && cf.Plan == CloudflarePlan.Free);
    }
}
