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

    /// <summary>The mode alone keeps a 404 for the whole override TTL; the policy's status code TTLs are what stop it.</summary>
    [Fact]
    public void Override_origin_ignores_the_origin_for_statuses_cloudflare_caches()
    {
        var bare = new EdgeTtl("override_origin", 86_400, []);
        Assert.Equal(TimeSpan.FromDays(1), Freshness.EdgeTtl(bare, 200, CacheControl.Parse("public, max-age=3600"), false));
        Assert.Equal(TimeSpan.FromDays(1), Freshness.EdgeTtl(bare, 404, null, false));
        Assert.Null(Freshness.EdgeTtl(bare, 502, null, false));
        Assert.Equal(TimeSpan.FromDays(1), Freshness.EdgeTtl(EdgeTtl.Override(86_400), 200, CacheControl.Parse("public, max-age=3600"), false));
        Assert.Null(Freshness.EdgeTtl(EdgeTtl.Override(86_400), 404, null, false));
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

/// <summary>Status code TTLs (https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/) with the page's own examples.</summary>
public sealed class StatusCodeTtlTests
{
    /// <summary>The page's API example: to 299 one day, 300-499 no-cache (0), from 500 no-store (-1), mode respect_origin.</summary>
    private static readonly EdgeTtl ApiExample = new("respect_origin", null,
        [new(100, 299, 86_400), new(300, 499, 0), new(500, 999, StatusCodeTtl.NoStore)]);

    [Theory]
    [InlineData(200, "no-store", 86_400)]
    [InlineData(204, null, 86_400)]
    [InlineData(301, "public, max-age=3600", 0)]
    [InlineData(404, null, 0)]
    [InlineData(500, "public, max-age=3600", null)]
    [InlineData(503, null, null)]
    public void The_documents_api_example_overrides_the_origin_by_status(int status, string? cacheControl, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, Freshness.EdgeTtl(ApiExample, status, CacheControl.Parse(cacheControl), false));

    /// <summary>"Cache TTL by status code" example rule: 200-599 for one day, respect origin otherwise; a 599 is kept a day, a 100 is not.</summary>
    [Fact]
    public void The_dashboard_example_caches_every_status_in_its_range_for_a_day()
    {
        var rule = new EdgeTtl("respect_origin", null, [new(200, 599, 86_400)]);
        Assert.Equal(TimeSpan.FromDays(1), Freshness.EdgeTtl(rule, 503, CacheControl.Parse("no-store"), false));
        Assert.Equal(TimeSpan.FromDays(1), Freshness.EdgeTtl(rule, 404, null, false));
        Assert.Null(Freshness.EdgeTtl(rule, 101, null, false));
    }

    /// <summary>"TTL handling for 304 and 200 status codes": a 304 without its own TTL takes 200's; with its own, its own.</summary>
    [Fact]
    public void A_304_takes_the_200_ttl_unless_it_has_its_own()
    {
        Assert.Equal(TimeSpan.FromHours(1), Freshness.EdgeTtl(new("respect_origin", null, [new(200, 200, 3600)]), 304, null, false));
        Assert.Equal(TimeSpan.Zero, Freshness.EdgeTtl(new("respect_origin", null, [new(200, 200, 3600), new(304, 304, 0)]), 304, null, false));
    }

    /// <summary>The prod policy's segment rule: an override TTL for successes and their revalidations, never an error or a redirect.</summary>
    [Theory]
    [InlineData(200, true)]
    [InlineData(206, true)]
    [InlineData(304, true)]
    [InlineData(301, false)]
    [InlineData(302, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(410, false)]
    [InlineData(429, false)]
    [InlineData(504, false)]
    public void The_prod_segment_rule_stores_only_successes(int status, bool stored)
    {
        var rule = ProdPolicy.Build().CacheRules.Single(r => r.Ref == "segments").EdgeTtl;
        Assert.Equal(stored, Freshness.EdgeTtl(rule, status, CacheControl.Parse("no-store"), false) is not null);
    }
}

/// <summary>Byte ranges as RFC 9110 section 14.1.2 writes them, against a 10-byte object.</summary>
public sealed class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=0-1", 0, 1)]
    [InlineData("bytes=4-", 4, 9)]
    [InlineData("bytes=-5", 5, 9)]
    [InlineData("bytes=8-100", 8, 9)]
    [InlineData("bytes=-100", 0, 9)]
    public void A_single_range_is_resolved_against_the_length(string header, long first, long last) =>
        Assert.Equal(new ByteRange(first, last, false), ByteRange.Parse(header, 10));

    [Theory]
    [InlineData("bytes=10-")]
    [InlineData("bytes=-0")]
    public void A_range_past_the_end_is_unsatisfiable(string header) => Assert.True(ByteRange.Parse(header, 10)!.Unsatisfiable);

    [Theory]
    [InlineData(null)]
    [InlineData("items=0-1")]
    [InlineData("bytes=0-1,4-5")]
    [InlineData("bytes=5-1")]
    [InlineData("bytes=x-1")]
    public void Anything_else_gets_the_whole_object(string? header) => Assert.Null(ByteRange.Parse(header, 10));
}
