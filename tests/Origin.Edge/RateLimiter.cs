using System.Collections.Concurrent;
using Origin.Edge;

namespace Origin.EdgeStandIn;

/// <summary>
/// The policy's rate-limiting rules as Cloudflare applies them
/// (https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/): requests matching a rule's expression
/// are counted per value of its characteristics (the colo and the client IP, or the colo and a query argument:
/// the viewer's token) over its period; cached requests count too unless requests_to_origin is set ("Also apply
/// rate limiting to cached assets" off: "only the requests going to the origin ... will be considered"). Once a
/// counter exceeds requests-per-period, the rule's action applies to that client's matching requests for the
/// mitigation timeout, whatever their rate meanwhile. The block action answers 429, Cloudflare's default response
/// code for rate limiting rules. Requests whose counted query argument is missing share one counter of their own
/// ("those requests use a separate missing-value counter",
/// https://developers.cloudflare.com/api-shield/security/volumetric-abuse-detection/, pointing at "Missing field
/// versus empty value" on the parameters page).
/// </summary>
public sealed class RateLimiter
{
    private sealed record CompiledRule(RateLimitRule Rule, RulesExpression Expression, string? QueryArgument);

    private sealed class Counter
    {
        public readonly Queue<DateTimeOffset> Requests = new();
        public DateTimeOffset BlockedUntil;
    }

    private readonly IReadOnlyList<CompiledRule> _rules;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<(string Rule, string Colo, string Key), Counter> _counters = new();

    public RateLimiter(IEnumerable<RateLimitRule> rules, TimeProvider clock)
    {
        _rules = rules.Select(r =>
        {
            string? argument = null;
            if (r.Characteristics.SequenceEqual(EdgePolicy.TokenRateLimitCharacteristics))
                argument = Origin.Tokens.ViewerTokens.Parameter;
            else if (!r.Characteristics.SequenceEqual(EdgePolicy.RateLimitCharacteristics))
                throw new NotSupportedException($"rate limit {r.Ref}: characteristics {string.Join(",", r.Characteristics)} are not ones the stand-in counts by");
            if (r.Action != "block")
                throw new NotSupportedException($"rate limit {r.Ref}: action {r.Action} is not one the stand-in implements");
            return new CompiledRule(r, RulesExpression.Parse(r.Expression), argument);
        }).ToList();
        _clock = clock;
    }

    /// <summary>The rule that blocks this request, or null. Counts it under every rule it matches that counts cached
    /// requests; rules that count only origin requests are counted by <see cref="CountOriginRequest"/>.</summary>
    public RateLimitRule? Check(RequestFields request, string colo, string clientIp, string query = "")
    {
        var now = _clock.GetUtcNow();
        RateLimitRule? blocking = null;
        foreach (var rule in _rules)
        {
            if (Counted(rule, request, colo, clientIp, query) is not { } counter) continue;
            lock (counter)
            {
                if (counter.BlockedUntil > now) blocking ??= rule.Rule;
                else if (!rule.Rule.RequestsToOrigin && Count(counter, rule.Rule, now)) blocking ??= rule.Rule;
            }
        }
        return blocking;
    }

    /// <summary>A request the edge sent to the origin: counted under the rules that count only those. It has been
    /// answered; the mitigation it starts applies to the client's next requests.</summary>
    public void CountOriginRequest(RequestFields request, string colo, string clientIp, string query = "")
    {
        var now = _clock.GetUtcNow();
        foreach (var rule in _rules.Where(r => r.Rule.RequestsToOrigin))
            if (Counted(rule, request, colo, clientIp, query) is { } counter)
                lock (counter)
                    if (counter.BlockedUntil <= now) Count(counter, rule.Rule, now);
    }

    private Counter? Counted(CompiledRule rule, RequestFields request, string colo, string clientIp, string query)
    {
        if (!rule.Expression.Matches(request)) return null;
        var key = rule.QueryArgument is { } name ? Argument(query, name) is { } value ? "=" + value : "missing" : clientIp;
        return _counters.GetOrAdd((rule.Rule.Ref, colo, key), _ => new Counter());
    }

    /// <summary>Counts one request; true when it takes the counter over the rate, which starts the mitigation.</summary>
    private static bool Count(Counter counter, RateLimitRule rule, DateTimeOffset now)
    {
        var period = TimeSpan.FromSeconds(rule.Period);
        while (counter.Requests.TryPeek(out var oldest) && oldest <= now - period) counter.Requests.Dequeue();
        counter.Requests.Enqueue(now);
        if (counter.Requests.Count <= rule.RequestsPerPeriod) return false;
        counter.BlockedUntil = now + TimeSpan.FromSeconds(rule.MitigationTimeout);
        counter.Requests.Clear();
        return true;
    }

    private static string? Argument(string query, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
}
