using Microsoft.Extensions.Time.Testing;
using Origin.Edge;

namespace Origin.EdgeStandIn.Tests;

/// <summary>https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/ with the prod rule (200 per 10 s, block 10 s).</summary>
public sealed class RateLimiterTests
{
    private static readonly RequestFields Media = new("live.example.com", "/live/stream_1.m3u8");

    [Fact]
    public void A_client_over_the_rate_is_blocked_for_the_mitigation_timeout_whatever_its_rate_meanwhile()
    {
        var rule = Assert.Single(ProdPolicy.Build().RateLimitRules);
        var clock = new FakeTimeProvider();
        var limiter = new RateLimiter([rule], clock);

        for (var i = 0; i < rule.RequestsPerPeriod; i++) Assert.Null(limiter.Check(Media, "1", "198.51.100.1"));
        Assert.Equal(rule, limiter.Check(Media, "1", "198.51.100.1"));
        // Another client, and the same client in another colo, have their own counters.
        Assert.Null(limiter.Check(Media, "1", "198.51.100.2"));
        Assert.Null(limiter.Check(Media, "2", "198.51.100.1"));
        // One request a second is far under the rate, and still blocked until the timeout ends.
        clock.Advance(TimeSpan.FromSeconds(rule.MitigationTimeout - 1));
        Assert.Equal(rule, limiter.Check(Media, "1", "198.51.100.1"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limiter.Check(Media, "1", "198.51.100.1"));
    }

    [Fact]
    public void Requests_count_over_the_period_then_leave_the_count()
    {
        var rule = new RateLimitRule("r", "", "(starts_with(http.request.uri.path, \"/live/\"))", "block", EdgePolicy.RateLimitCharacteristics, 10, 3, 10);
        var clock = new FakeTimeProvider();
        var limiter = new RateLimiter([rule], clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.Check(Media, "1", "ip"));
            clock.Advance(TimeSpan.FromSeconds(4));
        }
        // The first request is 12 s old: three in the last 10 s, within the rate.
        Assert.Null(limiter.Check(Media, "1", "ip"));
        Assert.NotNull(limiter.Check(Media, "1", "ip"));
    }

    /// <summary>Per token: each token its own counter whatever the address; requests without one share a missing-value counter.</summary>
    [Fact]
    public void A_token_keyed_rule_counts_each_token_and_the_missing_ones_together()
    {
        var rule = new RateLimitRule("t", "", "(starts_with(http.request.uri.path, \"/live/\"))", "block", EdgePolicy.TokenRateLimitCharacteristics, 10, 2, 10);
        var limiter = new RateLimiter([rule], new FakeTimeProvider());
        for (var i = 0; i < 2; i++) Assert.Null(limiter.Check(Media, "1", "ip-" + i, "channel=1&verify=a"));
        Assert.NotNull(limiter.Check(Media, "1", "ip-9", "channel=1&verify=a"));
        Assert.Null(limiter.Check(Media, "1", "ip-0", "channel=1&verify=b"));
        Assert.Null(limiter.Check(Media, "1", "ip-1", "channel=1"));
        Assert.Null(limiter.Check(Media, "1", "ip-2", ""));
        Assert.NotNull(limiter.Check(Media, "1", "ip-3", "channel=2"));
    }

    /// <summary>requests_to_origin: cached requests neither count nor escape a running mitigation.</summary>
    [Fact]
    public void A_rule_counting_origin_requests_ignores_cached_ones_but_blocks_them_once_over()
    {
        var rule = new RateLimitRule("o", "", "(starts_with(http.request.uri.path, \"/live/\"))", "block", EdgePolicy.RateLimitCharacteristics, 10, 2, 10, RequestsToOrigin: true);
        var limiter = new RateLimiter([rule], new FakeTimeProvider());
        for (var i = 0; i < 100; i++) Assert.Null(limiter.Check(Media, "1", "ip"));
        for (var i = 0; i < 3; i++) limiter.CountOriginRequest(Media, "1", "ip");
        Assert.Equal(rule, limiter.Check(Media, "1", "ip"));
        Assert.Null(limiter.Check(Media, "1", "other"));
    }

    [Fact]
    public void Rules_the_stand_in_cannot_apply_are_refused()
    {
        Assert.Throws<NotSupportedException>(() => new RateLimiter(
            [new RateLimitRule("r", "", "(starts_with(http.request.uri.path, \"/\"))", "managed_challenge", EdgePolicy.RateLimitCharacteristics, 10, 3, 10)], TimeProvider.System));
        Assert.Throws<NotSupportedException>(() => new RateLimiter(
            [new RateLimitRule("r", "", "(starts_with(http.request.uri.path, \"/\"))", "block", ["cf.colo.id", "cf.unique_visitor_id"], 10, 3, 10)], TimeProvider.System));
    }
}
