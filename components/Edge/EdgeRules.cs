using Origin.Edge;
using Pulumi;
using CF = Pulumi.Cloudflare.Inputs;

namespace Origin.Infra;

/// <summary>The edge policy's rules as Cloudflare ruleset rules, field for field.</summary>
internal static class EdgeRules
{
    public static CF.RulesetRuleArgs Cache(CacheRule rule) => new()
    {
        Ref = rule.Ref,
        Description = rule.Description,
        Expression = rule.Expression,
        Enabled = true,
        Action = "set_cache_settings",
        ActionParameters = new CF.RulesetRuleActionParametersArgs
        {
            Cache = rule.Cache,
            EdgeTtl = Ttl(rule.EdgeTtl),
            CacheKey = rule.IgnoreQueryString ? WithoutQueryString : null,
            BrowserTtl = BrowserTtl(rule.BrowserTtl),
        },
    };

    private static Input<CF.RulesetRuleActionParametersEdgeTtlArgs>? Ttl(EdgeTtl? ttl) => ttl is null
        ? null
        : (Input<CF.RulesetRuleActionParametersEdgeTtlArgs>)new CF.RulesetRuleActionParametersEdgeTtlArgs { Mode = ttl.Mode, Default = ttl.Seconds is { } s ? checked((int)s) : null };

    private static Input<CF.RulesetRuleActionParametersBrowserTtlArgs>? BrowserTtl(BrowserTtl? ttl) => ttl is null
        ? null
        : (Input<CF.RulesetRuleActionParametersBrowserTtlArgs>)new CF.RulesetRuleActionParametersBrowserTtlArgs { Mode = ttl.Mode, Default = ttl.Seconds is { } s ? checked((int)s) : null };

    /// <summary>A cache key that leaves the whole query string out, so a per-viewer token does not split the cache.</summary>
    private static Input<CF.RulesetRuleActionParametersCacheKeyArgs> WithoutQueryString => new CF.RulesetRuleActionParametersCacheKeyArgs
    {
        CustomKey = new CF.RulesetRuleActionParametersCacheKeyCustomKeyArgs
        {
            QueryString = new CF.RulesetRuleActionParametersCacheKeyCustomKeyQueryStringArgs
            {
                Exclude = new CF.RulesetRuleActionParametersCacheKeyCustomKeyQueryStringExcludeArgs { All = true },
            },
        },
    };

    public static CF.RulesetRuleArgs RateLimit(RateLimitRule rule) => new()
    {
        Ref = rule.Ref,
        Description = rule.Description,
        Expression = rule.Expression,
        Enabled = true,
        Action = rule.Action,
        Ratelimit = new CF.RulesetRuleRatelimitArgs
        {
            Characteristics = rule.Characteristics.ToList(),
            Period = checked((int)rule.Period),
            RequestsPerPeriod = checked((int)rule.RequestsPerPeriod),
            MitigationTimeout = checked((int)rule.MitigationTimeout),
        },
    };
}
