using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

public enum CloudflarePlan { Free, Pro, Business, Enterprise }

public enum TlsVersion
{
    [ConfigName("1.0")] V1_0,
    [ConfigName("1.1")] V1_1,
    [ConfigName("1.2")] V1_2,
    [ConfigName("1.3")] V1_3,
}

public enum SslMode { Off, Flexible, Full, Strict }

public enum RateLimitScope
{
    /// <summary>Playlists and segments under hls.urlPrefix.</summary>
    Media,
    /// <summary>Playlists only.</summary>
    Playlists,
    /// <summary>The public API prefix.</summary>
    Api,
}

/// <summary>What a rate-limiting rule counts by, within the colo.</summary>
public enum RateLimitKey
{
    /// <summary>The client IP (ip.src): every plan.</summary>
    Address,
    /// <summary>The viewer's token (the rewritten query's verify argument): Enterprise with Advanced Rate Limiting.</summary>
    Token,
}

public enum RateLimitAction
{
    Block,
    [ConfigName("managed_challenge")] ManagedChallenge,
    [ConfigName("js_challenge")] JsChallenge,
    Log,
}

public sealed record CloudflareSettings
{
    [Doc("Zone (domain) in Cloudflare. Required.")]
    public HostName? Zone { get; init; }

    [Doc("Public host name of the origin, inside the zone. Required.")]
    public HostName? Record { get; init; }

    [Doc("The zone's plan; cache TTLs and rate-limiting rules are checked against it (AUDIT-NOTES #14).")]
    public CloudflarePlan Plan { get; init; } = CloudflarePlan.Free;

    [Doc("Edge-to-origin TLS. Only strict is accepted: anything less lets anyone between edge and origin read or change the stream.")]
    public SslMode SslMode { get; init; } = SslMode.Strict;

    [Doc("Lowest TLS version viewers may use; null leaves the zone's own (Cloudflare's default is 1.0). Only per host name with advancedCertificateManager, otherwise only zone-wide (zoneWideSettings).")]
    public TlsVersion? MinTlsVersion { get; init; }

    [Doc("Redirect http to https at the edge: a redirect rule for the record's host name, or the zone's Always Use HTTPS with zoneWideSettings.")]
    public bool AlwaysUseHttps { get; init; } = true;

    [Doc("Set ssl, min_tls_version and always_use_https as zone settings, for every host name in the zone (any other proxied host whose origin lacks a valid certificate then fails with 526). false: the record's host name only, through a configuration rule and a redirect rule.")]
    public bool ZoneWideSettings { get; init; }

    [Doc("The zone has Advanced Certificate Manager, which per-host-name minimum TLS versions need.")]
    public bool AdvancedCertificateManager { get; init; }

    [Doc("Tiered Cache with Smart topology: one upper tier fetches from the origin for all edges, so origin egress scales with channels, not viewers.")]
    public bool TieredCache { get; init; } = true;

    [Doc("Edge TTL of segments (2xx and 304; redirects and errors are not stored). Must be at least the plan's minimum (Free 2h, Pro 1h).")]
    public Duration SegmentEdgeTtl { get; init; } = Duration.FromSeconds(86_400);

    [Doc("Edge TTL of playlists on Business and Enterprise (null: respect the origin's max-age, the only choice below Business).")]
    public Duration? PlaylistEdgeTtl { get; init; }

    [Doc("Rate-limiting rules at the edge, counted per colo and client IP (or token). Free allows 1 rule with a 10 s period, matching the path only, so it limits that path on every host name in the zone; Pro 2, Business 5.")]
    [Count(0, 100)]
    public IReadOnlyList<EdgeRateLimit> RateLimits { get; init; } =
        [new EdgeRateLimit { Name = new("media-flood"), Scope = RateLimitScope.Media, Requests = 7500, Period = Duration.FromSeconds(10), MitigationTimeout = Duration.FromSeconds(10) }];

    [Doc("Free plan: turn the zone's Bot Fight Mode off, for every host name in the zone. While it is on, Cloudflare challenges clients that are not browsers (FFmpeg, native and smart-TV players) and no rule can skip it. Removing this later leaves it off.")]
    public bool BotFightModeOff { get; init; }

    [Doc("Viewers who share one address (a carrier NAT, a campus, an office) that the edge's rate limits must let play: a media or playlist rule that counts by address and counts cached requests must allow their requests.")]
    [Range(1, 1_000_000)]
    public int ViewersPerAddress { get; init; } = 500;

    [Doc("Free plan only: deploy although the edge cannot check viewer tokens (is_timed_hmac_valid_v0 needs Pro). The origin still checks every request it gets, but playlists and segments the edge has cached are served to anyone who asks for their URL, token or not. Without this, the Free plan is an error.")]
    public bool AcceptUncheckedEdge { get; init; }

    [Doc("Accept 80/443 at the origin only from Cloudflare's ranges (host firewall, and the cloud firewall in hcloud mode).")]
    public bool OriginLockdown { get; init; } = true;

    [Doc("Validity of the Origin CA certificate, days (7, 30, 90, 365, 730, 1095 or 5475).")]
    [Range(7, 5475)]
    public int OriginCertificateDays { get; init; } = 5475;

    /// <summary>The record's TLS mode is a configuration rule (http_config_settings), not the zone's ssl setting.</summary>
    public bool TlsByConfigRule => !ZoneWideSettings;

    /// <summary>The record's http-to-https redirect is a redirect rule (http_request_dynamic_redirect), not the zone's Always Use HTTPS.</summary>
    public bool HttpsByRedirectRule => !ZoneWideSettings && AlwaysUseHttps;

    [Doc("Existing Cloudflare objects the stack takes over instead of creating (docs/deploy.md, \"Adopting what the zone already has\").")]
    public EdgeAdoption Adopt { get; init; } = new();
}

/// <summary>
/// IDs of objects the zone already has. A zone holds one entry-point ruleset per phase and the
/// provider's create never adopts one, so a zone whose phase ruleset exists (from any dashboard rule,
/// even a deleted one) needs its ID here; the stack then owns the whole phase.
/// </summary>
public sealed record EdgeAdoption
{
    [Doc("ID of the zone's http_request_cache_settings ruleset (Cache Rules).")]
    public CloudflareId? CacheRuleset { get; init; }

    [Doc("ID of the zone's http_ratelimit ruleset (rate-limiting rules).")]
    public CloudflareId? RateLimitRuleset { get; init; }

    [Doc("ID of the zone's http_config_settings ruleset (Configuration Rules).")]
    public CloudflareId? ConfigRuleset { get; init; }

    [Doc("ID of the zone's http_request_dynamic_redirect ruleset (Single Redirects).")]
    public CloudflareId? RedirectRuleset { get; init; }

    [Doc("ID of the zone's http_request_transform ruleset (URL Rewrite Rules).")]
    public CloudflareId? RewriteRuleset { get; init; }

    [Doc("ID of the zone's http_request_firewall_custom ruleset (WAF custom rules).")]
    public CloudflareId? CustomRuleset { get; init; }

    [Doc("ID of an existing A record of cloudflare.record.")]
    public CloudflareId? RecordA { get; init; }

    [Doc("ID of an existing AAAA record of cloudflare.record.")]
    public CloudflareId? RecordAaaa { get; init; }
}

public sealed record EdgeRateLimit
{
    [Doc("Rule name, used in its description.")]
    public Slug Name { get; init; } = new("rule");

    [Doc("What the rule counts: media (playlists and segments), playlists, or api.")]
    public RateLimitScope Scope { get; init; } = RateLimitScope.Media;

    [Doc("Requests allowed per period per client IP (or token) and colo.")]
    [Range(1, 1_000_000)]
    public int Requests { get; init; } = 7500;

    [Doc("What the rule counts by: address (the client IP, every plan) or token (the viewer's token; Enterprise with Advanced Rate Limiting).")]
    public RateLimitKey Per { get; init; } = RateLimitKey.Address;

    [Doc("Count requests the edge answers from its cache too. false (Business and up) counts only requests that reach the origin, so viewers sharing an address count by the misses they cause, not by how many they are.")]
    public bool CountCached { get; init; } = true;

    [Doc("Counting period. Free allows 10s; Pro 10s or 60s; Business up to 10m.")]
    public Duration Period { get; init; } = Duration.FromSeconds(10);

    [Doc("How long a client is blocked once over the limit. Free allows 10s.")]
    public Duration MitigationTimeout { get; init; } = Duration.FromSeconds(10);

    [Doc("What happens over the limit.")]
    public RateLimitAction Action { get; init; } = RateLimitAction.Block;
}
