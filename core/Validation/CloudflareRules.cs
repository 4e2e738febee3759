using Origin.Edge;
using Origin.Settings;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

internal static class CloudflareRules
{
    private static readonly int[] OriginCertificateDays = [7, 30, 90, 365, 730, 1095, 5475];
    private static readonly string[] ReservedZones = ["example.com", "example.net", "example.org", "test", "example", "invalid", "localhost"];

    public static void Check(OriginSettings s, Findings f)
    {
        var cf = s.Cloudflare;
        var plan = Binding.SettingsBinder.EnumName(cf.Plan);
        var limits = PlanLimits.For(cf.Plan);
        if (cf.Zone is null) f.Error(Of("cloudflare.zone"), "the zone (domain) name in Cloudflare", "nothing");
        if (cf.Record is null) f.Error(Of("cloudflare.record"), "the origin's public host name", "nothing");
        if (cf.Zone is { } reserved && ReservedZones.Any(r => reserved.IsWithin(new Values.HostName(r))))
            f.Warn(Of("cloudflare.zone"), $"{reserved} is reserved for documentation (RFC 2606): set the zone you serve from, or `pulumi up` will not find it");
        if (cf.Zone is { } zone && cf.Record is { } record && !record.IsWithin(zone))
            f.Error(Of("cloudflare.record"), $"a name inside the zone {zone}", Findings.Show(record.Value));
        if (cf.SslMode != SslMode.Strict)
            f.Error(Of("cloudflare.sslMode"), "strict: the origin presents an Origin CA certificate, and anything weaker lets the path between edge and origin read or alter the stream",
                Findings.Show(Binding.SettingsBinder.EnumName(cf.SslMode)));
        if (cf.MinTlsVersion < TlsVersion.V1_2)
            f.Warn(Of("cloudflare.minTlsVersion"), "TLS below 1.2 is deprecated by every major browser");
        CheckScope(cf, f);
        CheckAdoption(s, f);
        CheckOriginTimeouts(s, f);
        CheckBotFightMode(cf, f);

        if (cf.SegmentEdgeTtl.Seconds < limits.MinEdgeTtlSeconds)
            f.Error(Of("cloudflare.segmentEdgeTtl"), $"at least {Values.Duration.FromSeconds(limits.MinEdgeTtlSeconds)}, the shortest edge TTL the {plan} plan accepts", cf.SegmentEdgeTtl.ToString());
        if (cf.PlaylistEdgeTtl is { } ttl)
        {
            if (ttl.Seconds < limits.MinEdgeTtlSeconds)
                f.Error(Of("cloudflare.playlistEdgeTtl"), $"null on the {plan} plan (it refuses edge TTLs below {Values.Duration.FromSeconds(limits.MinEdgeTtlSeconds)}; playlists then respect the origin's max-age)", ttl.ToString());
            else if (ttl.Seconds * 2 > s.Hls.SegmentSeconds)
                f.Error(Of("cloudflare.playlistEdgeTtl"), $"at most half a segment ({s.Hls.SegmentSeconds / 2}s): an older playlist stalls players", ttl.ToString());
        }

        // Without the edge's check, what the edge has cached is open: the origin only sees cache misses.
        const string open = "the edge cannot check viewer tokens on this plan (is_timed_hmac_valid_v0 needs Pro or above): " +
            "playlists and segments it has cached are served to anyone who asks for their URL, token or not; the origin still refuses every request it gets without a valid token";
        if (!limits.HmacTokens && !cf.AcceptUncheckedEdge)
            f.Error(Of("cloudflare.acceptUncheckedEdge"), $"true to accept it, or a Pro plan or above: {open}", "false");
        else if (!limits.HmacTokens)
            f.Warn(Of("cloudflare.acceptUncheckedEdge"), $"accepted: {open}");
        else if (cf.AcceptUncheckedEdge)
            f.Warn(Of("cloudflare.acceptUncheckedEdge"), $"has no effect on the {plan} plan: the edge checks every token");

        if (!OriginCertificateDays.Contains(cf.OriginCertificateDays))
            f.Error(Of("cloudflare.originCertificateDays"), "one of " + string.Join(", ", OriginCertificateDays) + " (what the Origin CA issues)", cf.OriginCertificateDays.ToString());
        if (cf.RateLimits.Count > limits.RateLimitRules)
            f.Error(Of("cloudflare.rateLimits"), $"at most {limits.RateLimitRules} rate-limiting rule(s) on the {plan} plan", $"{cf.RateLimits.Count}");
        foreach (var (rule, i) in cf.RateLimits.Select((r, i) => (r, i)))
        {
            if (!limits.RateLimitPeriods.Contains(rule.Period.Seconds))
                f.Error(Of($"cloudflare.rateLimits[{i}].period"), $"one of {string.Join(", ", limits.RateLimitPeriods.Select(p => Values.Duration.FromSeconds(p)))} on the {plan} plan", rule.Period.ToString());
            var challenge = rule.Action is RateLimitAction.ManagedChallenge or RateLimitAction.JsChallenge;
            if (challenge && limits.ChallengeNeedsThrottling)
            {
                if (rule.MitigationTimeout.Seconds != 0)
                    f.Error(Of($"cloudflare.rateLimits[{i}].mitigationTimeout"), $"0s: on the {plan} plan a challenge action only throttles, with no timeout", rule.MitigationTimeout.ToString());
            }
            else if (!limits.MitigationTimeouts.Contains(rule.MitigationTimeout.Seconds))
                f.Error(Of($"cloudflare.rateLimits[{i}].mitigationTimeout"), $"one of {string.Join(", ", limits.MitigationTimeouts.Select(p => Values.Duration.FromSeconds(p)))} on the {plan} plan", rule.MitigationTimeout.ToString());
            if (rule.Action == RateLimitAction.Log && !limits.LogAction)
                f.Error(Of($"cloudflare.rateLimits[{i}].action"), $"block, managed_challenge or js_challenge: log is Enterprise-only", "log");
            if (rule.Scope == RateLimitScope.Api && s.Nginx.ApiPrefix is null)
                f.Error(Of($"cloudflare.rateLimits[{i}].scope"), "media or playlists: nginx.apiPrefix is null, so there is no public API to limit", "api");
            CheckSharedAddresses(s, rule, i, f);
        }
        foreach (var dup in cf.RateLimits.GroupBy(r => r.Name).Where(g => g.Count() > 1))
            f.Error(Of("cloudflare.rateLimits"), "rules with distinct names", $"{dup.Count()} rules named {Findings.Show(dup.Key.Value)}");
    }

    /// <summary>
    /// Bot Fight Mode (Free plan) challenges what it takes for a bot, and "You cannot bypass or skip Bot Fight Mode
    /// using the Skip action in WAF custom rules or using Page Rules" (https://developers.cloudflare.com/bots/get-started/bot-fight-mode/,
    /// also cloudflare/cloudflare-docs#32029): FFmpeg, native and smart-TV players get a challenge page instead of
    /// media. The stack cannot read the zone's setting at preview, so it says so; cloudflare_bot_management's
    /// fight_mode turns it off (terraform-provider-cloudflare v5.19.1 internal/services/bot_management/schema.go),
    /// for the whole zone. Pro and up have Super Bot Fight Mode instead, which rules can skip.
    /// </summary>
    private static void CheckBotFightMode(CloudflareSettings cf, Findings f)
    {
        if (cf.Plan != CloudflarePlan.Free)
        {
            if (cf.BotFightModeOff)
                f.Warn(Of("cloudflare.botFightModeOff"), $"has no effect on the {Binding.SettingsBinder.EnumName(cf.Plan)} plan: Bot Fight Mode is the Free plan's (Super Bot Fight Mode on Pro and up can be skipped by a rule)");
            return;
        }
        if (cf.BotFightModeOff)
            f.Warn(Of("cloudflare.botFightModeOff"), $"turns Bot Fight Mode off for every host name in the zone {cf.Zone}; removing this setting later leaves it off");
        else
            f.Warn(Of("cloudflare.botFightModeOff"), $"false: if Bot Fight Mode is on for the zone {cf.Zone} (Security, Bots), Cloudflare challenges every player that is not a browser " +
                "(FFmpeg, native and smart-TV players), and no rule can skip it; set true to have the stack turn it off for the zone");
    }

    /// <summary>
    /// Viewers behind one address (carrier NAT, campus, office) share one counter of a rule keyed by ip.src.
    /// What each plan offers instead (https://developers.cloudflare.com/waf/rate-limiting-rules/#availability):
    /// "Cache exclusion" (requests_to_origin, counting only what reaches the origin) from Business up; counting by
    /// a query value (the viewer's token) only with Enterprise Advanced Rate Limiting; "IP with NAT support"
    /// (cf.unique_visitor_id) from Business up, but it tells visitors apart by a cookie, which players on another
    /// site (hls.js without credentials) and native players do not send, so the stack does not use it.
    /// A rule keyed by address that counts cached requests must therefore admit the requests of
    /// cloudflare.viewersPerAddress players: per segment duration one segment and up to two playlist loads
    /// (a player reloads an unchanged playlist after half the target duration, RFC 8216 section 6.3.4).
    /// </summary>
    private static void CheckSharedAddresses(OriginSettings s, EdgeRateLimit rule, int i, Findings f)
    {
        var cf = s.Cloudflare;
        var plan = Binding.SettingsBinder.EnumName(cf.Plan);
        if (!rule.CountCached && cf.Plan is CloudflarePlan.Free or CloudflarePlan.Pro)
            f.Error(Of($"cloudflare.rateLimits[{i}].countCached"), $"true on the {plan} plan: counting only requests that reach the origin (cache exclusion) needs Business or above", "false");
        if (rule.Per == RateLimitKey.Token)
        {
            if (cf.Plan != CloudflarePlan.Enterprise)
                f.Error(Of($"cloudflare.rateLimits[{i}].per"), $"address on the {plan} plan: counting by a query value (the token) needs Enterprise with Advanced Rate Limiting", "token");
            else
                f.Warn(Of($"cloudflare.rateLimits[{i}].per"), "token: the zone needs Advanced Rate Limiting, or Cloudflare refuses the rule at `pulumi up`");
            if (rule.Scope == RateLimitScope.Api)
                f.Error(Of($"cloudflare.rateLimits[{i}].per"), "address for the api scope: API requests carry no viewer token", "token");
            return;
        }
        if (!rule.CountCached || rule.Scope == RateLimitScope.Api) return;
        var perViewer = PerViewerRequests(s, rule);
        var needed = (long)cf.ViewersPerAddress * perViewer;
        if (rule.Requests < needed)
            f.Error(Of($"cloudflare.rateLimits[{i}].requests"),
                $"at least {needed}: {cf.ViewersPerAddress} viewers behind one address (cloudflare.viewersPerAddress) make about {perViewer} {(rule.Scope == RateLimitScope.Playlists ? "playlist" : "media")} requests each per {rule.Period}, cached or not, " +
                "and every one counts on this plan's address key; lower viewersPerAddress, or on Business count only origin requests (countCached: false)",
                rule.Requests.ToString());
    }

    /// <summary>A player's requests in one period: per segment duration up to two playlist loads, and one segment for media.</summary>
    public static int PerViewerRequests(OriginSettings s, EdgeRateLimit rule)
    {
        var segments = (int)Math.Ceiling(rule.Period.Seconds / (double)s.Hls.SegmentSeconds);
        return segments * (rule.Scope == RateLimitScope.Playlists ? 2 : 3);
    }

    /// <summary>
    /// Cloudflare waits 100 s for the origin's response headers and then answers 524 on every plan below
    /// Enterprise, where proxy_read_timeout can be raised
    /// (https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/error-524/,
    /// https://developers.cloudflare.com/fundamentals/reference/connection-limits/, "Proxy Read Timeout 100 s"; a
    /// copy of that page gives 120 s: below 100 holds under both).
    /// A start holds a viewer's request until the playlist is ready or the API gives up (gunicorn's timeout),
    /// so that timeout must end first, with the 2 s the API's START_TIMEOUT keeps below it, or the viewer gets
    /// Cloudflare's 524 instead of the API's answer, and the channel may start behind it with nobody told.
    /// </summary>
    public const int EdgeOriginReadTimeoutSeconds = 100;

    /// <summary>
    /// Cloudflare "reuses open TCP connections up to the Proxy Idle Timeout limit after the last HTTP request"
    /// (900 s; https://developers.cloudflare.com/fundamentals/reference/connection-limits/, "Keep-Alives"). nginx
    /// closes an idle connection silently at keepalive_timeout (https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_timeout);
    /// closing first, it races the next request Cloudflare sends on that connection, which fails as a 520.
    /// </summary>
    public const int EdgeIdleConnectionSeconds = 900;

    private static void CheckOriginTimeouts(OriginSettings s, Findings f)
    {
        if (s.Nginx.ClientKeepaliveTimeout.Seconds <= EdgeIdleConnectionSeconds)
            f.Error(Of("nginx.clientKeepaliveTimeout"),
                $"more than {EdgeIdleConnectionSeconds}s: Cloudflare reuses an idle origin connection for up to {EdgeIdleConnectionSeconds}s, and a request it sends as nginx closes the connection fails as a 520",
                s.Nginx.ClientKeepaliveTimeout.ToString());
        if (s.Stream.TimeoutSeconds >= EdgeOriginReadTimeoutSeconds)
            f.Error(Of("stream.timeoutSeconds"),
                $"less than {EdgeOriginReadTimeoutSeconds}s: Cloudflare answers 524 when the origin has not answered within {EdgeOriginReadTimeoutSeconds}s, so a start that waits longer reaches the viewer as Cloudflare's timeout, not the API's answer",
                s.Stream.TimeoutSeconds.ToString());
    }

    /// <summary>
    /// The zone settings ssl, min_tls_version and always_use_https change every host name in the zone, so
    /// they are set zone-wide only when the operator says so. The minimum TLS version has no per-host
    /// form without Advanced Certificate Manager
    /// (https://developers.cloudflare.com/ssl/edge-certificates/additional-options/minimum-tls/#per-hostname).
    /// </summary>
    private static void CheckScope(CloudflareSettings cf, Findings f)
    {
        if (cf.ZoneWideSettings)
            f.Warn(Of("cloudflare.zoneWideSettings"), $"ssl{(cf.MinTlsVersion is null ? "" : ", min_tls_version")} and always_use_https are set for every host name in the zone {cf.Zone}: " +
                "any other proxied host name whose origin has no valid certificate starts failing with 526");
        else if (cf.MinTlsVersion is { } min && !cf.AdvancedCertificateManager)
            f.Error(Of("cloudflare.minTlsVersion"), "null (the zone keeps its own minimum), cloudflare.advancedCertificateManager: true (a minimum for the record's host name only, " +
                "which needs Advanced Certificate Manager), or cloudflare.zoneWideSettings: true (the minimum for every host name in the zone)",
                Findings.Show(Binding.SettingsBinder.EnumName(min)));
    }

    /// <summary>An adopted ID must name something the stack writes, and each object is adopted once.</summary>
    private static void CheckAdoption(OriginSettings s, Findings f)
    {
        var cf = s.Cloudflare;
        var adopt = cf.Adopt;
        void Unused(string key, Values.CloudflareId? id, bool written, string why)
        {
            if (id is not null && !written) f.Error(Of($"cloudflare.adopt.{key}"), $"null: {why}", Findings.Show(id.Value));
        }
        Unused("rateLimitRuleset", adopt.RateLimitRuleset, cf.RateLimits.Count > 0, "cloudflare.rateLimits is empty, so the stack writes no http_ratelimit ruleset");
        Unused("configRuleset", adopt.ConfigRuleset, cf.TlsByConfigRule, "with cloudflare.zoneWideSettings the stack writes no http_config_settings ruleset");
        Unused("redirectRuleset", adopt.RedirectRuleset, cf.HttpsByRedirectRule,
            "the stack writes an http_request_dynamic_redirect ruleset only with cloudflare.alwaysUseHttps and without cloudflare.zoneWideSettings");
        Unused("customRuleset", adopt.CustomRuleset, PlanLimits.For(cf.Plan).HmacTokens,
            "the stack writes an http_request_firewall_custom ruleset (the viewer-token rule) only on plans with is_timed_hmac_valid_v0");
        // A dedicated server is adopted by one address: one record, of that address's family.
        var dedicated = s.Host.Mode == HostMode.Dedicated ? s.Host.Dedicated.Address : null;
        var v6 = dedicated?.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        Unused("recordA", adopt.RecordA, dedicated is null || !v6, "the dedicated server has an IPv6 address, so the stack writes no A record");
        Unused("recordAaaa", adopt.RecordAaaa, dedicated is null || v6, "the dedicated server has an IPv4 address, so the stack writes no AAAA record");
        var ids = new[] { adopt.CacheRuleset, adopt.RateLimitRuleset, adopt.ConfigRuleset, adopt.RedirectRuleset, adopt.RewriteRuleset, adopt.CustomRuleset, adopt.RecordA, adopt.RecordAaaa };
        foreach (var dup in ids.OfType<Values.CloudflareId>().GroupBy(id => id).Where(g => g.Count() > 1))
            f.Error(Of("cloudflare.adopt"), "a different ID for each object", $"{Findings.Show(dup.Key.Value)} {dup.Count()} times");
    }
}
