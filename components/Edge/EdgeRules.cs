using Origin.Edge;
using Pulumi;
using CF = Pulumi.Cloudflare.Inputs;

namespace Origin.Infra;

/// <summary>The edge policy's rules as Cloudflare ruleset rules, field for field.</summary>
internal static class EdgeRules
{
    public static CF.RulesetRuleArgs Cache(CacheRule rule) => Rule(rule.Ref, rule.Description, rule.Expression, "set_cache_settings",
        new CF.RulesetRuleActionParametersArgs
        {
            Cache = rule.Cache,
            EdgeTtl = Ttl(rule.EdgeTtl),
            BrowserTtl = Browser(rule.BrowserTtl),
            CacheKey = rule.IgnoreQueryString ? WithoutQueryString : null,
        });

    private static Input<CF.RulesetRuleActionParametersEdgeTtlArgs>? Ttl(EdgeTtl? ttl)
    {
        if (ttl is null) return null;
        var mapped = new CF.RulesetRuleActionParametersEdgeTtlArgs { Mode = ttl.Mode, Default = ttl.Seconds is { } s ? checked((int)s) : null };
        // status_code_ttl must hold at least one entry when present (terraform-provider-cloudflare v5.19.1
        // internal/services/ruleset/schema.go, listvalidator.SizeAtLeast(1)): an empty list stays unset.
        if (ttl.StatusCodeTtls.Count > 0)
            mapped.StatusCodeTtls = ttl.StatusCodeTtls.Select(t => new CF.RulesetRuleActionParametersEdgeTtlStatusCodeTtlArgs
            {
                StatusCodeRange = new CF.RulesetRuleActionParametersEdgeTtlStatusCodeTtlStatusCodeRangeArgs { From = t.From, To = t.To },
                Value = checked((int)t.Value),
            }).ToList();
        return mapped;
    }

    private static Input<CF.RulesetRuleActionParametersBrowserTtlArgs>? Browser(BrowserTtl? ttl) => ttl is null
        ? null
        : (Input<CF.RulesetRuleActionParametersBrowserTtlArgs>)new CF.RulesetRuleActionParametersBrowserTtlArgs { Mode = ttl.Mode };

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

    public static CF.RulesetRuleArgs RateLimit(RateLimitRule rule)
    {
        var mapped = Rule(rule.Ref, rule.Description, rule.Expression, rule.Action, null);
        var ratelimit = new CF.RulesetRuleRatelimitArgs
        {
            Characteristics = rule.Characteristics.ToList(),
            Period = checked((int)rule.Period),
            RequestsPerPeriod = checked((int)rule.RequestsPerPeriod),
            MitigationTimeout = checked((int)rule.MitigationTimeout),
        };
        // Only when set: unset, the provider plans requests_to_origin as false (its schema's Default
        // booldefault.StaticBool(false), internal/services/ruleset/schema.go@v5.19.1), Cloudflare's default of
        // counting cached requests too; so a rule that never set it sees no change, and removing it turns it off.
        if (rule.RequestsToOrigin) ratelimit.RequestsToOrigin = true;
        mapped.Ratelimit = ratelimit;
        return mapped;
    }

    /// <summary>A configuration rule: action set_config with the SSL/TLS mode (https://developers.cloudflare.com/rules/configuration-rules/create-api/).</summary>
    public static CF.RulesetRuleArgs Config(ConfigRule rule) =>
        Rule(rule.Ref, rule.Description, rule.Expression, "set_config", new CF.RulesetRuleActionParametersArgs { Ssl = rule.Ssl });

    /// <summary>A single redirect: action redirect with a dynamic target (https://developers.cloudflare.com/rules/url-forwarding/single-redirects/create-api/).</summary>
    public static CF.RulesetRuleArgs Redirect(RedirectRule rule) => Rule(rule.Ref, rule.Description, rule.Expression, "redirect",
        new CF.RulesetRuleActionParametersArgs
        {
            FromValue = new CF.RulesetRuleActionParametersFromValueArgs
            {
                TargetUrl = new CF.RulesetRuleActionParametersFromValueTargetUrlArgs { Expression = rule.TargetUrlExpression },
                StatusCode = rule.StatusCode,
                PreserveQueryString = rule.PreserveQueryString,
            },
        });

    /// <summary>A URL rewrite (https://developers.cloudflare.com/rules/transform/url-rewrite/create-api/): the token out of the path, into the query the token rule checks.</summary>
    public static CF.RulesetRuleArgs Rewrite(UrlRewriteRule rule) => Rule(rule.Ref, rule.Description, rule.Expression, "rewrite",
        new CF.RulesetRuleActionParametersArgs
        {
            Uri = new CF.RulesetRuleActionParametersUriArgs
            {
                Path = new CF.RulesetRuleActionParametersUriPathArgs { Expression = rule.PathExpression },
                Query = new CF.RulesetRuleActionParametersUriQueryArgs { Expression = rule.QueryExpression },
            },
        });

    /// <summary>The token rule, its expression a secret: it holds the keys (never in plain state, previews or logs).</summary>
    public static CF.RulesetRuleArgs Block(TokenRule rule, Output<IReadOnlyList<string>> keys) => new()
    {
        Ref = rule.Ref,
        Description = rule.Description,
        Expression = Output.CreateSecret(keys.Apply(rule.Expression)),
        Enabled = true,
        Action = "block",
    };

    private static CF.RulesetRuleArgs Rule(string @ref, string description, string expression, string action, CF.RulesetRuleActionParametersArgs? parameters)
    {
        var rule = new CF.RulesetRuleArgs { Ref = @ref, Description = description, Expression = expression, Enabled = true, Action = action };
        if (parameters is not null) rule.ActionParameters = parameters;
        return rule;
    }
}
