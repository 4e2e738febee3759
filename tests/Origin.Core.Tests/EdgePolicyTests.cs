using Origin.Edge;

namespace Origin.Tests;

/// <summary>The Cloudflare edge as data: cache rules, rate limits and TLS as the audit notes require.</summary>
public class EdgePolicyTests
{
    private static readonly EdgePolicy Prod = EdgePolicy.Build(Stacks.Valid());

    [Fact]
    public void Segments_and_playlists_are_cached_without_the_token_in_the_key()
    {
        var segments = Prod.CacheRules.Single(r => r.Ref == "segments");
        var playlists = Prod.CacheRules.Single(r => r.Ref == "playlists");
        Assert.True(segments.Cache && segments.IgnoreQueryString);
        Assert.True(playlists.Cache && playlists.IgnoreQueryString);
        Assert.Contains("http.request.uri.path.extension in {\"ts\" \"m4s\" \"mp4\"}", segments.Expression);
        Assert.Contains("http.host eq \"live.example.com\"", segments.Expression);
        Assert.Equal(EdgeTtl.Override(86_400), segments.EdgeTtl);
    }

    [Fact]
    public void Playlists_respect_the_origin_below_business_and_use_an_edge_ttl_above()
    {
        Assert.Equal(EdgeTtl.RespectOrigin, Prod.CacheRules.Single(r => r.Ref == "playlists").EdgeTtl);
        var business = EdgePolicy.Build(Stacks.Valid("cloudflare.plan=business", "cloudflare.playlistEdgeTtl=1s"));
        Assert.Equal(EdgeTtl.Override(1), business.CacheRules.Single(r => r.Ref == "playlists").EdgeTtl);
    }

    [Fact]
    public void Browsers_keep_media_as_long_as_the_origin_says_not_the_zones_four_hours()
    {
        foreach (var rule in Prod.CacheRules.Where(r => r.Cache))
            Assert.Equal(BrowserTtl.RespectOrigin, rule.BrowserTtl);
    }

    [Fact]
    public void The_api_is_never_cached()
    {
        var api = Prod.CacheRules.Single(r => r.Ref == "api");
        Assert.False(api.Cache);
        Assert.Contains("starts_with(http.request.uri.path, \"/api/\")", api.Expression);
        Assert.DoesNotContain(EdgePolicy.Build(Stacks.Valid("nginx.apiPrefix=null")).CacheRules, r => r.Ref == "api");
    }

    [Fact]
    public void Rate_limits_count_per_colo_and_client_ip_within_the_free_plan()
    {
        var rule = Assert.Single(Prod.RateLimitRules);
        Assert.Equal(["cf.colo.id", "ip.src"], rule.Characteristics);
        Assert.Equal((10L, 200L, 10L, "block"), (rule.Period, rule.RequestsPerPeriod, rule.MitigationTimeout, rule.Action));
        // Free plans may only match on the path.
        Assert.Equal("(starts_with(http.request.uri.path, \"/live/\"))", rule.Expression);
        var pro = EdgePolicy.Build(Stacks.Valid("cloudflare.plan=pro"));
        Assert.StartsWith("(http.host eq \"live.example.com\" and ", pro.RateLimitRules[0].Expression);
    }

    [Fact]
    public void Tls_is_full_strict_with_tls_1_2_and_https_only()
    {
        Assert.Equal([new("ssl", "strict"), new("min_tls_version", "1.2"), new("always_use_https", "on")], Prod.ZoneSettings);
        Assert.Equal(["live.example.com"], Prod.CertificateHostnames);
        Assert.Equal(5475, Prod.CertificateDays);
        Assert.True(Prod.TieredCache);
    }
}
