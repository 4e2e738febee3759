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

    [Fact]
    public void Rules_the_stand_in_cannot_apply_are_refused()
    {
        Assert.Throws<NotSupportedException>(() => new RateLimiter(
            [new RateLimitRule("r", "", "(starts_with(http.request.uri.path, \"/\"))", "managed_challenge", EdgePolicy.RateLimitCharacteristics, 10, 3, 10)], TimeProvider.System));
        Assert.Throws<NotSupportedException>(() => new RateLimiter(
            [new RateLimitRule("r", "", "(starts_with(http.request.uri.path, \"/\"))", "block", ["cf.colo.id", "cf.unique_visitor_id"], 10, 3, 10)], TimeProvider.System));
    }
}
