using System.Collections.Concurrent;
using Origin.Edge;

namespace Origin.EdgeStandIn;

/// <summary>
/// The policy's rate-limiting rules as Cloudflare applies them
/// (https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/): requests matching a rule's expression
/// are counted per value of its characteristics (the colo and the client IP) over its period, cached or not
/// ("also apply rate limiting to cached assets" is on unless requests_to_origin is set, which the policy never
/// sets); once a counter exceeds requests-per-period, the rule's action applies to that client's matching requests
/// for the mitigation timeout, whatever their rate meanwhile. The block action answers 429, Cloudflare's default
/// response code for rate limiting rules.
/// </summary>
public sealed class RateLimiter
{
    private sealed record CompiledRule(RateLimitRule Rule, RulesExpression Expression);

    private sealed class Counter
    {
        public readonly Queue<DateTimeOffset> Requests = new();
        public DateTimeOffset BlockedUntil;
    }

    private readonly IReadOnlyList<CompiledRule> _rules;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<(string Rule, string Colo, string Ip), Counter> _counters = new();

    public RateLimiter(IEnumerable<RateLimitRule> rules, TimeProvider clock)
    {
        _rules = rules.Select(r =>
        {
            if (!r.Characteristics.SequenceEqual(EdgePolicy.RateLimitCharacteristics))
                throw new NotSupportedException($"rate limit {r.Ref}: characteristics {string.Join(",", r.Characteristics)} are not the colo and client IP the stand-in counts by");
            if (r.Action != "block")
                throw new NotSupportedException($"rate limit {r.Ref}: action {r.Action} is not one the stand-in implements");
            return new CompiledRule(r, RulesExpression.Parse(r.Expression));
        }).ToList();
        _clock = clock;
    }

    /// <summary>The rule that blocks this request, or null. Counts the request under every rule it matches.</summary>
    public RateLimitRule? Check(RequestFields request, string colo, string clientIp)
    {
        var now = _clock.GetUtcNow();
        RateLimitRule? blocking = null;
        foreach (var (rule, expression) in _rules)
        {
            if (!expression.Matches(request)) continue;
            var counter = _counters.GetOrAdd((rule.Ref, colo, clientIp), _ => new Counter());
            lock (counter)
            {
                if (counter.BlockedUntil > now)
                {
                    blocking ??= rule;
                    continue;
                }
                var period = TimeSpan.FromSeconds(rule.Period);
                while (counter.Requests.TryPeek(out var oldest) && oldest <= now - period) counter.Requests.Dequeue();
                counter.Requests.Enqueue(now);
                if (counter.Requests.Count > rule.RequestsPerPeriod)
                {
                    counter.BlockedUntil = now + TimeSpan.FromSeconds(rule.MitigationTimeout);
                    counter.Requests.Clear();
                    blocking ??= rule;
                }
            }
        }
        return blocking;
    }
}
