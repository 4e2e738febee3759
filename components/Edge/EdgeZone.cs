using Origin.Edge;
using Pulumi;
using Cloudflare = Pulumi.Cloudflare;

namespace Origin.Infra;

/// <summary>
/// The Cloudflare zone as the core's edge policy says, one resource per element: the proxied origin
/// record, the cache rules, the rate-limiting rules, the TLS settings and tiered cache.
/// </summary>
internal sealed class EdgeZone : ComponentResource
{
    /// <param name="tokenKeys">The viewer-token keys (secret), the current one first; the token rule's expression holds them.</param>
    /// <summary>The rulesets that carry and check viewer tokens: the API issues tokens with a new key only after they accept it.</summary>
    public IReadOnlyList<Resource> TokenRulesets { get; }

    public EdgeZone(string name, string zone, EdgePolicy policy, Output<string>? ipv4, Output<string>? ipv6, Output<IReadOnlyList<string>> tokenKeys,
        ComponentResourceOptions? options = null)
        : base("origin:edge:Zone", name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var zoneId = Cloudflare.GetZone.Invoke(new Cloudflare.GetZoneInvokeArgs
        {
            Filter = new Cloudflare.Inputs.GetZoneFilterInputArgs { Name = zone, Match = "all" },
        }, new InvokeOptions { Parent = this }).Apply(z => z.Id);

        foreach (var (type, address) in new[] { ("A", ipv4), ("AAAA", ipv6) })
            if (address is not null)
                _ = new Cloudflare.DnsRecord($"{policy.RecordName}-{type}", new Cloudflare.DnsRecordArgs
                {
                    ZoneId = zoneId,
                    Name = policy.RecordName,
                    Type = type,
                    Content = address,
                    Proxied = true,
                    Ttl = 1, // automatic: required for proxied records
                    Comment = "origin stack: the HLS origin, behind Cloudflare",
                }, child);

        // A zone has one entry-point ruleset per phase: these are it. Phases run in a fixed order: URL
        // rewrites (http_request_transform) before the custom rules (http_request_firewall_custom), which
        // see the rewritten URI, before the cache (https://developers.cloudflare.com/ruleset-engine/reference/phases-list/).
        Cloudflare.Ruleset Ruleset(string resourceName, string phase, string title, IEnumerable<Cloudflare.Inputs.RulesetRuleArgs> rules) =>
            new(resourceName, new Cloudflare.RulesetArgs { ZoneId = zoneId, Kind = "zone", Phase = phase, Name = title, Rules = rules.ToList() }, child);
        var rulesets = new List<Resource>
        {
            Ruleset("url-rewrites", "http_request_transform", "origin: viewer tokens out of the path", policy.UrlRewrites.Select(EdgeRules.Rewrite)),
        };
        if (policy.TokenCheck is { } check)
            rulesets.Add(Ruleset("custom-rules", "http_request_firewall_custom", "origin: viewer tokens", [EdgeRules.Block(check, tokenKeys)]));
        TokenRulesets = rulesets;
        Ruleset("cache-rules", "http_request_cache_settings", "origin: HLS cache rules", policy.CacheRules.Select(EdgeRules.Cache));
        if (policy.RateLimitRules.Count > 0)
            Ruleset("rate-limits", "http_ratelimit", "origin: rate limits", policy.RateLimitRules.Select(EdgeRules.RateLimit));

        foreach (var setting in policy.ZoneSettings)
            _ = new Cloudflare.ZoneSetting(setting.Id, new Cloudflare.ZoneSettingArgs
            {
                ZoneId = zoneId,
                SettingId = setting.Id,
                Value = setting.Value,
            }, child);

        if (policy.TieredCache)
            _ = new Cloudflare.TieredCache("tiered-cache", new Cloudflare.TieredCacheArgs { ZoneId = zoneId, Value = "on" }, child);

        RegisterOutputs(new Dictionary<string, object?> { ["zoneId"] = zoneId });
    }
}
