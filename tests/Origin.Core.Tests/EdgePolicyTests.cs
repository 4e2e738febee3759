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

    /// <summary>
    /// The edge TTL Cloudflare gives a response of this status under the rule, null for not stored: a matching
    /// status code TTL replaces the mode's, -1 is no-store (https://developers.cloudflare.com/cache/how-to/configure-cache-status-code/,
    /// https://developers.cloudflare.com/cache/how-to/cache-rules/settings/#edge-ttl); "override origin" keeps the rest for its TTL.
    /// </summary>
    private static long? EdgeKeeps(EdgeTtl ttl, int status)
    {
        var byStatus = ttl.StatusCodeTtls.FirstOrDefault(t => t.From <= status && status <= t.To);
        var seconds = byStatus?.Value ?? ttl.Seconds;
        return seconds == StatusCodeTtl.NoStore ? null : seconds;
    }

    [Fact]
    public void An_edge_ttl_that_overrides_the_origin_stores_only_successes_and_revalidations()
    {
        // Override ignores nginx's no-store on errors: without status code TTLs a 404, a refused token, a
        // rate limit or a failed start would be every viewer's answer for the whole TTL.
        var business = EdgePolicy.Build(Stacks.Valid("cloudflare.plan=business", "cloudflare.playlistEdgeTtl=1s"));
        var overriding = Prod.CacheRules.Concat(business.CacheRules).Where(r => r.EdgeTtl?.Mode == "override_origin").ToList();
        Assert.Equal(["segments", "segments", "playlists"], overriding.Select(r => r.Ref));
        int[] errors = [301, 302, 303, 307, 308, 400, 401, 403, 404, 410, Stacks.Valid().Nginx.RateLimits.Status, 500, 502, 503, 504, 599];
        foreach (var ttl in overriding.Select(r => r.EdgeTtl!))
        {
            Assert.All(new[] { 200, 206, 304 }, status => Assert.Equal(ttl.Seconds, EdgeKeeps(ttl, status)));
            Assert.All(errors, status => Assert.Null(EdgeKeeps(ttl, status)));
            // The provider's bounds for a status code range (terraform-provider-cloudflare v5.19.1 schema.go).
            Assert.All(ttl.StatusCodeTtls, t => Assert.True(100 <= t.From && t.From <= t.To && t.To <= 999));
        }
        // Respecting the origin needs none: nginx's no-store on errors counts.
        Assert.Empty(Prod.CacheRules.Single(r => r.Ref == "playlists").EdgeTtl!.StatusCodeTtls);
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
        Assert.Equal((10L, 7500L, 10L, "block", false), (rule.Period, rule.RequestsPerPeriod, rule.MitigationTimeout, rule.Action, rule.RequestsToOrigin));
        // Free plans may only match on the path.
        Assert.Equal("(starts_with(http.request.uri.path, \"/live/\"))", rule.Expression);
        var pro = EdgePolicy.Build(Stacks.Valid("cloudflare.plan=pro"));
        Assert.StartsWith("(http.host eq \"live.example.com\" and ", pro.RateLimitRules[0].Expression);
    }

    [Fact]
    public void Browsers_respect_the_origins_cache_control_for_playlists_and_segments_on_every_plan()
    {
        // The zone's Browser Cache TTL (4 h by default) would otherwise replace max-age=1 on playlists.
        foreach (var plan in new[] { "free", "pro", "business", "enterprise" })
        {
            var policy = EdgePolicy.Build(Stacks.Valid($"cloudflare.plan={plan}"));
            Assert.All(policy.CacheRules.Where(r => r.Ref is "segments" or "playlists"), r => Assert.Equal(BrowserTtl.RespectOrigin, r.BrowserTtl));
        }
        Assert.Equal("respect_origin", BrowserTtl.RespectOrigin.Mode);
        Assert.Null(Prod.CacheRules.Single(r => r.Ref == "api").BrowserTtl);
    }

    [Fact]
    public void Tls_and_https_are_scoped_to_the_record_and_no_zone_setting_changes()
    {
        Assert.Empty(Prod.ZoneSettings);
        Assert.Empty(Prod.HostnameTlsSettings);
        var tls = Assert.Single(Prod.ConfigRules);
        Assert.Equal(("strict", "(http.host eq \"live.example.com\")"), (tls.Ssl, tls.Expression));
        var https = Assert.Single(Prod.RedirectRules);
        Assert.Equal("(http.host eq \"live.example.com\" and not ssl)", https.Expression);
        Assert.Equal((301, true), (https.StatusCode, https.PreserveQueryString));
        Assert.Empty(EdgePolicy.Build(Stacks.Valid("cloudflare.alwaysUseHttps=false")).RedirectRules);
        Assert.Equal(["live.example.com"], Prod.CertificateHostnames);
        Assert.Equal(5475, Prod.CertificateDays);
        Assert.True(Prod.TieredCache);
    }

    [Fact]
    public void A_minimum_tls_version_is_per_host_name_with_advanced_certificate_manager()
    {
        var acm = EdgePolicy.Build(Stacks.Valid("cloudflare.minTlsVersion=\"1.2\"", "cloudflare.advancedCertificateManager=true"));
        Assert.Equal([new HostnameTlsValue("live.example.com", "min_tls_version", "1.2")], acm.HostnameTlsSettings);
        Assert.Empty(acm.ZoneSettings);
    }

    [Fact]
    public void Zone_wide_settings_replace_the_host_names_rules_when_chosen()
    {
        var zoneWide = EdgePolicy.Build(Stacks.Valid("cloudflare.zoneWideSettings=true", "cloudflare.minTlsVersion=\"1.2\""));
        Assert.Equal([new("ssl", "strict"), new("min_tls_version", "1.2"), new("always_use_https", "on")], zoneWide.ZoneSettings);
        Assert.Empty(zoneWide.ConfigRules);
        Assert.Empty(zoneWide.RedirectRules);
        Assert.Empty(zoneWide.HostnameTlsSettings);
        // Without a minimum TLS version the zone keeps its own, zone-wide too.
        Assert.DoesNotContain(EdgePolicy.Build(Stacks.Valid("cloudflare.zoneWideSettings=true")).ZoneSettings, z => z.Id == "min_tls_version");
    }

    [Fact]
    public void Import_ids_are_in_the_format_the_providers_import_parses()
    {
        var id = new Values.CloudflareId("0123456789abcdef0123456789abcdef");
        Assert.Equal("zones/zoneid/0123456789abcdef0123456789abcdef", ImportIds.ZoneRuleset("zoneid", id));
        Assert.Equal("zoneid/0123456789abcdef0123456789abcdef", ImportIds.DnsRecord("zoneid", id));
    }

    [Fact]
    public void The_deploy_guide_finds_every_phase_the_stack_writes_and_sets_every_adoption_key()
    {
        var guide = File.ReadAllLines(Repo.Path("docs", "deploy.md"));
        var loop = Assert.Single(guide, l => l.TrimStart().StartsWith("for phase in ", StringComparison.Ordinal));
        Assert.All(new[] { Phases.Cache, Phases.RateLimit, Phases.Config, Phases.Redirect, Phases.Transform, Phases.Custom }, phase => Assert.Contains(phase, loop));
        foreach (var key in Binding.SettingsBinder.ConfigProperties(typeof(Settings.EdgeAdoption)).Select(Binding.SettingsBinder.ConfigName))
            Assert.Contains(guide, l => l.Contains($"pulumi config set --path 'origin:cloudflare.adopt.{key}' <id>"));
    }
}
