using Origin.Edge;
using Xunit;
using static Origin.Infra.Tests.StackRun;

namespace Origin.Infra.Tests;

/// <summary>The Cloudflare zone is the core's edge policy, element for element.</summary>
public sealed class EdgeTests
{
    [Fact]
    public async Task Cache_rules_cache_media_for_every_viewer_alike_by_leaving_the_token_out_of_the_key()
    {
        var run = await RunAsync(StackFile.Prod);
        var policy = EdgePolicy.Build(StackFile.Prod.Settings);
        var ruleset = run.Inputs(Types.Ruleset, "cache-rules");
        var rules = List(ruleset["rules"]);

        Assert.Equal("http_request_cache_settings", ruleset["phase"]);
        Assert.Equal("zone", ruleset["kind"]);
        Assert.Equal(OriginMocks.ZoneId("example.com"), ruleset["zoneId"]);
        Assert.Equal(policy.CacheRules.Select(r => r.Ref), rules.Select(r => At(r, "ref")));
        foreach (var (rule, mapped) in policy.CacheRules.Zip(rules))
        {
            Assert.Equal(rule.Expression, At(mapped, "expression"));
            Assert.Equal("set_cache_settings", At(mapped, "action"));
            Assert.Equal(rule.Cache, At(mapped, "actionParameters", "cache"));
            Assert.Equal(rule.EdgeTtl?.Mode, At(mapped, "actionParameters", "edgeTtl", "mode"));
            Assert.Equal((double?)rule.EdgeTtl?.Seconds, At(mapped, "actionParameters", "edgeTtl", "default"));
            Assert.Equal(rule.BrowserTtl?.Mode, At(mapped, "actionParameters", "browserTtl", "mode"));
            // The viewer's ?token= (and anything else after the ?) is not part of the cache key.
            Assert.Equal(rule.IgnoreQueryString ? true : null, At(mapped, "actionParameters", "cacheKey", "customKey", "queryString", "exclude", "all"));
        }
        Assert.All(rules.Where(r => At(r, "ref") is "segments" or "playlists"),
            r => Assert.Equal(true, At(r, "actionParameters", "cacheKey", "customKey", "queryString", "exclude", "all")));
        // Without a browser TTL on the rule, the zone's 4-hour Browser Cache TTL would freeze playlists in browsers.
        Assert.All(rules.Where(r => At(r, "ref") is "segments" or "playlists"),
            r => Assert.Equal("respect_origin", At(r, "actionParameters", "browserTtl", "mode")));
        Assert.Equal(86_400.0, At(rules.Single(r => At(r, "ref") is "segments"), "actionParameters", "edgeTtl", "default"));
        Assert.Equal(false, At(rules.Single(r => At(r, "ref") is "api"), "actionParameters", "cache"));
    }

    [Theory]
    [InlineData("prod", 1)]
    [InlineData("hcloud-test", 2)]
    public async Task Rate_limit_rules_are_the_configured_ones_within_the_plans_limits(string stack, int count)
    {
        var file = stack == "prod" ? StackFile.Prod : StackFile.HcloudTest;
        var run = await RunAsync(file);
        var settings = file.Settings;
        var limits = PlanLimits.For(settings.Cloudflare.Plan);
        var ruleset = run.Inputs(Types.Ruleset, "rate-limits");
        var rules = List(ruleset["rules"]);

        Assert.Equal("http_ratelimit", ruleset["phase"]);
        Assert.Equal(count, rules.Count);
        Assert.InRange(rules.Count, 1, limits.RateLimitRules);
        foreach (var (configured, mapped) in settings.Cloudflare.RateLimits.Zip(rules))
        {
            Assert.Equal(configured.Name.Value, At(mapped, "ref"));
            Assert.Equal(Binding.SettingsBinder.EnumName(configured.Action), At(mapped, "action"));
            Assert.Equal(["cf.colo.id", "ip.src"], List(At(mapped, "ratelimit", "characteristics")));
            Assert.Equal((double)configured.Period.Seconds, At(mapped, "ratelimit", "period"));
            Assert.Equal((double)configured.Requests, At(mapped, "ratelimit", "requestsPerPeriod"));
            Assert.Equal((double)configured.MitigationTimeout.Seconds, At(mapped, "ratelimit", "mitigationTimeout"));
            Assert.Contains((long)(double)At(mapped, "ratelimit", "period")!, limits.RateLimitPeriods);
            // Free plans may match on the path only; the policy scopes the rule by host where allowed.
            Assert.Equal(limits.RuleExpressionMayUseHost, ((string)At(mapped, "expression")!).Contains("http.host"));
        }
    }

    [Fact]
    public async Task The_zone_is_found_by_name_and_gets_the_proxied_record_strict_tls_and_tiered_cache()
    {
        var run = await RunAsync(StackFile.Prod);

        var lookup = Assert.Single(run.Mocks.Calls, c => c.Token == "cloudflare:index/getZone:getZone");
        Assert.Equal("example.com", At(lookup.Args, "filter", "name"));
        Assert.Equal("all", At(lookup.Args, "filter", "match"));
        var record = run.Inputs(Types.DnsRecord, "live.example.com-A");
        Assert.Equal(("live.example.com", "A", "65.108.235.165", true, 1.0), (record["name"], record["type"], record["content"], record["proxied"], record["ttl"]));
        Assert.Equal(
            [("always_use_https", "on"), ("min_tls_version", "1.2"), ("ssl", "strict")],
            run.OfType(Types.ZoneSetting).Select(s => ((string)s.Inputs["settingId"], (string)s.Inputs["value"])).Order());
        Assert.Equal("on", run.Inputs(Types.TieredCache, "tiered-cache")["value"]);
    }

    [Fact]
    public async Task The_origin_certificate_is_issued_for_the_hosts_request_and_installed_by_nginx_config()
    {
        var run = await RunAsync(StackFile.Prod);
        var policy = EdgePolicy.Build(StackFile.Prod.Settings);
        var certificate = run.Inputs(Types.OriginCaCertificate, "origin-certificate");

        Assert.Equal(OriginMocks.CertificateRequest, certificate["csr"]);
        Assert.Equal("origin-ecc", certificate["requestType"]);
        Assert.Equal(policy.CertificateHostnames, List(certificate["hostnames"]));
        Assert.Equal((double)policy.CertificateDays, certificate["requestedValidity"]);
        Assert.Equal(OriginMocks.Certificate, run.Inputs(Types.Command, "nginx-config/supply-origin-certificate")["stdin"]);
        Assert.Contains(Plan.Digest.Sha256(OriginMocks.Certificate), List(run.Inputs(Types.Command, "nginx-config/apply")["triggers"]));
    }
}
