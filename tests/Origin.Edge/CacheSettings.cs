using Origin.Edge;

namespace Origin.EdgeStandIn;

/// <summary>A cache rule of the policy with its expression parsed.</summary>
public sealed record CompiledCacheRule(CacheRule Rule, RulesExpression Expression)
{
    public static CompiledCacheRule From(CacheRule rule) => new(rule, RulesExpression.Parse(rule.Expression));
}

/// <summary>
/// What the cache rules decide for one request. Every rule whose expression matches applies, in order, and a
/// later rule's setting replaces an earlier one's (https://developers.cloudflare.com/cache/how-to/cache-rules/order/).
/// With no matching rule a request is not eligible: media paths carry no extension Cloudflare caches by default
/// except .ts, which Cloudflare's default cacheable file extensions do not include either
/// (https://developers.cloudflare.com/cache/concepts/default-cache-behavior/#default-cached-file-extensions).
/// </summary>
public sealed record CacheSettings(bool Eligible, EdgeTtl? EdgeTtl, bool IgnoreQueryString, BrowserTtl? BrowserTtl, string? RuleRef)
{
    public static readonly CacheSettings NotEligible = new(false, null, false, null, null);

    public static CacheSettings For(IReadOnlyList<CompiledCacheRule> rules, RequestFields request)
    {
        var settings = NotEligible;
        foreach (var (rule, expression) in rules)
        {
            if (!expression.Matches(request)) continue;
            settings = new CacheSettings(
                rule.Cache,
                rule.EdgeTtl ?? settings.EdgeTtl,
                rule.IgnoreQueryString || settings.IgnoreQueryString,
                rule.BrowserTtl ?? settings.BrowserTtl,
                rule.Ref);
        }
        return settings;
    }

    /// <summary>
    /// The cache key: host, path and, unless the rule excludes it, the query string
    /// (https://developers.cloudflare.com/cache/how-to/cache-keys/: the default key holds the full URL; a custom
    /// key's query_string exclude all leaves the query out).
    /// </summary>
    public string Key(string host, string path, string query) => IgnoreQueryString || query.Length == 0 ? $"{host}{path}" : $"{host}{path}{query}";
}
