using Origin.Settings;

namespace Origin.Edge;

/// <summary>
/// What each Cloudflare plan allows for the rules this stack writes (AUDIT-NOTES #14), from Cloudflare's
/// plan tables for Cache Rules and rate-limiting rules. Cloudflare refuses a ruleset that exceeds them
/// at apply time; checking here turns that into a preview-time error that names the config key.
/// Periods and timeouts are the values the Rulesets API documents for each plan.
/// <para>HmacTokens: is_timed_hmac_valid_v0 "requires a Cloudflare Pro, Business, or Enterprise plan"
/// (https://developers.cloudflare.com/ruleset-engine/rules-language/functions/#hmac-validation).</para>
/// </summary>
public sealed record PlanLimits(
    long MinEdgeTtlSeconds,
    int RateLimitRules,
    IReadOnlyList<long> RateLimitPeriods,
    IReadOnlyList<long> MitigationTimeouts,
    bool RuleExpressionMayUseHost,
    bool LogAction,
    bool ChallengeNeedsThrottling,
    bool HmacTokens = true)
{
    public static PlanLimits For(CloudflarePlan plan) => plan switch
    {
        CloudflarePlan.Free => new(7200, 1, [10], [10], RuleExpressionMayUseHost: false, LogAction: false, ChallengeNeedsThrottling: true, HmacTokens: false),
        CloudflarePlan.Pro => new(3600, 2, [10, 60], [10, 60, 120, 300, 600, 3600], true, false, true),
        CloudflarePlan.Business => new(1, 5, [10, 60, 120, 300, 600], [10, 60, 120, 300, 600, 3600, 86400], true, false, true),
        _ => new(1, 100, [10, 60, 120, 300, 600, 3600], [10, 60, 120, 300, 600, 3600, 86400], true, true, false),
    };
}
