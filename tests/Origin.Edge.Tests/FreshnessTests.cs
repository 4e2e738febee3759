using Origin.Edge;

namespace Origin.EdgeStandIn.Tests;

public sealed class FreshnessTests
{
    /// <summary>The table of https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/#edge-ttl</summary>
    [Theory]
    [InlineData(200, 120)]
    [InlineData(206, 120)]
    [InlineData(301, 120)]
    [InlineData(302, 20)]
    [InlineData(303, 20)]
    [InlineData(404, 3)]
    [InlineData(410, 3)]
    [InlineData(500, null)]
    [InlineData(504, null)]
    [InlineData(429, null)]
    public void Without_cache_control_the_default_ttl_by_status_applies(int status, int? minutes) =>
        Assert.Equal(minutes is { } m ? TimeSpan.FromMinutes(m) : null, Freshness.EdgeTtl(EdgeTtl.RespectOrigin, status, null, hasExpires: false));

    [Theory]
    [InlineData("public, max-age=1", 1)]
    [InlineData("public, max-age=3600, immutable", 3600)]
    [InlineData("max-age=60, s-maxage=5", 5)]
    [InlineData("no-store", null)]
    [InlineData("private, max-age=60", null)]
    [InlineData("no-cache", null)]
    [InlineData("max-age=0", null)]
    public void Respect_origin_follows_the_origins_cache_control(string header, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, Freshness.EdgeTtl(EdgeTtl.RespectOrigin, 200, CacheControl.Parse(header), false));

    [Fact]
    public void Override_origin_ignores_the_origin_for_statuses_cloudflare_caches()
    {
        Assert.Equal(TimeSpan.FromDays(1), Freshness.EdgeTtl(EdgeTtl.Override(86_400), 200, CacheControl.Parse("public, max-age=3600"), false));
        Assert.Equal(TimeSpan.FromDays(1), Freshness.EdgeTtl(EdgeTtl.Override(86_400), 404, null, false));
        Assert.Null(Freshness.EdgeTtl(EdgeTtl.Override(86_400), 502, null, false));
    }

    /// <summary>https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/#browser-cache-ttl: a shorter
    /// origin max-age is replaced by the zone's Browser Cache TTL, a missing one added, a longer one kept.</summary>
    [Theory]
    [InlineData("public, max-age=1", "public, max-age=14400")]
    [InlineData(null, "max-age=14400")]
    [InlineData("public, max-age=86400", "public, max-age=86400")]
    [InlineData("no-store", "no-store")]
    public void Without_a_browser_ttl_on_the_rule_the_zones_four_hours_apply(string? origin, string browser) =>
        Assert.Equal(browser, Freshness.BrowserCacheControl(null, CacheControl.Parse(origin), Freshness.ZoneBrowserTtl));

    [Fact]
    public void A_browser_ttl_that_respects_the_origin_passes_its_header_through() =>
        Assert.Equal("public, max-age=1", Freshness.BrowserCacheControl(BrowserTtl.RespectOrigin, CacheControl.Parse("public, max-age=1"), Freshness.ZoneBrowserTtl));

    [Fact]
    public void The_cache_key_leaves_the_query_string_out_only_where_the_rule_says_so()
    {
        var rules = ProdPolicy.Build().CacheRules.Select(CompiledCacheRule.From).ToList();
        var playlist = CacheSettings.For(rules, new RequestFields("live.example.com", "/live/stream_1.m3u8"));
        Assert.Equal("live.example.com/live/stream_1.m3u8", playlist.Key("live.example.com", "/live/stream_1.m3u8", "?token=a"));
        var keepsQuery = playlist with { IgnoreQueryString = false };
        Assert.Equal("live.example.com/live/stream_1.m3u8?token=a", keepsQuery.Key("live.example.com", "/live/stream_1.m3u8", "?token=a"));
    }
}
