using Origin.Edge;
using Pulumi;
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
        // Browsers keep the origin's max-age (1 s on playlists), not the zone's 4-hour Browser Cache TTL.
        Assert.All(rules.Where(r => At(r, "ref") is "segments" or "playlists"),
            r => Assert.Equal("respect_origin", At(r, "actionParameters", "browserTtl", "mode")));
        Assert.Equal(86_400.0, At(rules.Single(r => At(r, "ref") is "segments"), "actionParameters", "edgeTtl", "default"));
        Assert.Equal(false, At(rules.Single(r => At(r, "ref") is "api"), "actionParameters", "cache"));
    }

    [Fact]
    public async Task Cache_rules_that_override_the_origins_ttl_send_every_non_success_status_as_no_store()
    {
        // "Override origin" ignores nginx's no-store on errors; the rule's status code TTLs keep them out
        // (value -1 is no-store: terraform-provider-cloudflare v5.19.1 internal/services/ruleset/schema.go).
        var stack = StackFile.Prod.With("cloudflare.plan", "\"business\"").With("cloudflare.playlistEdgeTtl", "\"1s\"");
        var run = await RunAsync(stack);
        var rules = List(run.Inputs(Types.Ruleset, "cache-rules")["rules"]);
        (double From, double To, double Value)[] noStoreUnlessSuccess = [(300, 303, -1), (305, 599, -1)];
        foreach (var rule in rules.Where(r => At(r, "ref") is "segments" or "playlists"))
        {
            Assert.Equal("override_origin", At(rule, "actionParameters", "edgeTtl", "mode"));
            var byStatus = List(At(rule, "actionParameters", "edgeTtl", "statusCodeTtls")).Select(t => (
                (double)At(t, "statusCodeRange", "from")!, (double)At(t, "statusCodeRange", "to")!, (double)At(t, "value")!));
            Assert.Equal(noStoreUnlessSuccess, byStatus);
        }

        // Respecting the origin, the playlist rule sends no status code TTLs: the provider refuses an empty list.
        var prod = List((await RunAsync(StackFile.Prod)).Inputs(Types.Ruleset, "cache-rules")["rules"]);
        var playlists = prod.Single(r => At(r, "ref") is "playlists");
        Assert.Equal("respect_origin", At(playlists, "actionParameters", "edgeTtl", "mode"));
        Assert.Null(At(playlists, "actionParameters", "edgeTtl", "statusCodeTtls"));
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
            // Cached requests count (Cloudflare's default): requests_to_origin is left unset, not sent as false.
            Assert.Null(At(mapped, "ratelimit", "requestsToOrigin"));
            Assert.Equal((double)configured.Period.Seconds, At(mapped, "ratelimit", "period"));
            Assert.Equal((double)configured.Requests, At(mapped, "ratelimit", "requestsPerPeriod"));
            Assert.Equal((double)configured.MitigationTimeout.Seconds, At(mapped, "ratelimit", "mitigationTimeout"));
            Assert.Contains((long)(double)At(mapped, "ratelimit", "period")!, limits.RateLimitPeriods);
            // Free plans may match on the path only; the policy scopes the rule by host where allowed.
            Assert.Equal(limits.RuleExpressionMayUseHost, ((string)At(mapped, "expression")!).Contains("http.host"));
        }
    }

    [Fact]
    public async Task The_zone_is_found_by_name_and_gets_the_proxied_record_and_tiered_cache_with_its_smart_topology()
    {
        var run = await RunAsync(StackFile.Prod);

        var lookup = Assert.Single(run.Mocks.Calls, c => c.Token == "cloudflare:index/getZone:getZone");
        Assert.Equal("example.com", At(lookup.Args, "filter", "name"));
        Assert.Equal("all", At(lookup.Args, "filter", "match"));
        var record = run.Inputs(Types.DnsRecord, "live.example.com-A");
        Assert.Equal(("live.example.com", "A", "65.108.235.165", true, 1.0), (record["name"], record["type"], record["content"], record["proxied"], record["ttl"]));
        Assert.Equal(OriginMocks.ZoneId("example.com"), record["zoneId"]);
        // Tiered Cache itself, and its Smart topology: in provider v5 these are two resources.
        Assert.Equal("on", run.Inputs(Types.ArgoTieredCaching, "tiered-caching")["value"]);
        Assert.Equal("on", run.Inputs(Types.TieredCache, "tiered-cache")["value"]);
        Assert.All([run.Inputs(Types.ArgoTieredCaching, "tiered-caching"), run.Inputs(Types.TieredCache, "tiered-cache")],
            t => Assert.Equal(OriginMocks.ZoneId("example.com"), t["zoneId"]));
        Assert.Contains(await run.DependsOn(Types.TieredCache, "tiered-cache"), d => d.GetResourceType() == Types.ArgoTieredCaching);
    }

    [Fact]
    public async Task Counting_only_origin_requests_and_counting_by_token_reach_the_rate_limit_rule()
    {
        var business = List((await RunAsync(StackFile.Prod.With("cloudflare.plan", "business")
            .With("cloudflare.rateLimits", "[{name: media-flood, requests: 200, countCached: false}]"))).Inputs(Types.Ruleset, "rate-limits")["rules"]);
        Assert.Equal(true, At(Assert.Single(business), "ratelimit", "requestsToOrigin"));
        var enterprise = List((await RunAsync(StackFile.Prod.With("cloudflare.plan", "enterprise")
            .With("cloudflare.rateLimits", "[{name: media-flood, requests: 20, per: token}]"))).Inputs(Types.Ruleset, "rate-limits")["rules"]);
        Assert.Equal(["cf.colo.id", "http.request.uri.args[\"verify\"]"], List(At(Assert.Single(enterprise), "ratelimit", "characteristics")));
    }

    /// <summary>Bot Fight Mode is turned off only when the operator allows it, on the Free plan, and never reset on delete.</summary>
    [Fact]
    public async Task Bot_fight_mode_is_turned_off_for_the_zone_only_when_allowed()
    {
        var allowed = await RunAsync(StackFile.Prod.With("cloudflare.botFightModeOff", "true"));
        var bots = Assert.Single(allowed.OfType(Types.BotManagement));
        Assert.Equal((OriginMocks.ZoneId("example.com"), false), (bots.Inputs["zoneId"], bots.Inputs["fightMode"]));
        Assert.True(allowed.Construction(Types.BotManagement, "bot-management").Options.RetainOnDelete);
        Assert.Empty((await RunAsync(StackFile.Prod.With("cloudflare.botFightModeOff", "false"))).OfType(Types.BotManagement));
        Assert.Empty((await RunAsync(StackFile.Prod.With("cloudflare.botFightModeOff", "true").With("cloudflare.plan", "pro")
            .With("cloudflare.acceptUncheckedEdge", "false").With("cloudflare.segmentEdgeTtl", "1h"))).OfType(Types.BotManagement));
    }

    [Fact]
    public async Task Tls_and_https_apply_to_the_origins_host_name_only_and_leave_every_zone_setting_alone()
    {
        var run = await RunAsync(StackFile.Prod);

        Assert.Empty(run.OfType(Types.ZoneSetting));
        Assert.Empty(run.OfType(Types.HostnameTlsSetting));
        var config = run.Inputs(Types.Ruleset, "config-rules");
        Assert.Equal(("http_config_settings", "zone"), (config["phase"], config["kind"]));
        var tls = Assert.Single(List(config["rules"]));
        Assert.Equal(("set_config", "strict", "(http.host eq \"live.example.com\")"),
            (At(tls, "action"), At(tls, "actionParameters", "ssl"), At(tls, "expression")));
        var redirect = run.Inputs(Types.Ruleset, "redirect-rules");
        Assert.Equal("http_request_dynamic_redirect", redirect["phase"]);
        var https = Assert.Single(List(redirect["rules"]));
        Assert.Equal(("redirect", "(http.host eq \"live.example.com\" and not ssl)"), (At(https, "action"), At(https, "expression")));
        Assert.Equal("concat(\"https://\", http.host, http.request.uri.path)", At(https, "actionParameters", "fromValue", "targetUrl", "expression"));
        Assert.Equal((301.0, true), (At(https, "actionParameters", "fromValue", "statusCode"), At(https, "actionParameters", "fromValue", "preserveQueryString")));
    }

    [Fact]
    public async Task A_minimum_tls_version_is_per_host_name_with_advanced_certificate_manager()
    {
        var run = await RunAsync(StackFile.Prod.With("cloudflare.minTlsVersion", "\"1.2\"").With("cloudflare.advancedCertificateManager", "true"));

        var setting = Assert.Single(run.OfType(Types.HostnameTlsSetting)).Inputs;
        Assert.Equal(("live.example.com", "min_tls_version", "1.2"), (setting["hostname"], setting["settingId"], setting["value"]));
        Assert.Empty(run.OfType(Types.ZoneSetting));
    }

    [Fact]
    public async Task Zone_wide_settings_are_set_only_when_chosen_and_then_replace_the_host_names_rules()
    {
        var run = await RunAsync(StackFile.Prod.With("cloudflare.zoneWideSettings", "true").With("cloudflare.minTlsVersion", "\"1.2\""));

        Assert.Equal(
            [("always_use_https", "on"), ("min_tls_version", "1.2"), ("ssl", "strict")],
            run.OfType(Types.ZoneSetting).Select(s => ((string)s.Inputs["settingId"], (string)s.Inputs["value"])).Order());
        Assert.DoesNotContain(run.OfType(Types.Ruleset), r => r.Name is "config-rules" or "redirect-rules");
    }

    private static readonly (string Key, string Type, string Name)[] Adoptable =
    [
        ("cacheRuleset", Types.Ruleset, "cache-rules"),
        ("rateLimitRuleset", Types.Ruleset, "rate-limits"),
        ("configRuleset", Types.Ruleset, "config-rules"),
        ("redirectRuleset", Types.Ruleset, "redirect-rules"),
        ("recordA", Types.DnsRecord, "live.example.com-A"),
    ];

    [Fact]
    public async Task Adopted_rulesets_and_the_record_are_imported_with_the_ids_the_providers_import_parses()
    {
        var ids = Adoptable.Select((a, i) => (a.Type, a.Name, Key: a.Key, Id: $"{i + 1:x}".PadLeft(32, 'a'))).ToList();
        var stack = ids.Aggregate(StackFile.Prod, (s, a) => s.With($"cloudflare.adopt.{a.Key}", a.Id));
        var run = await RunAsync(stack);
        var zone = OriginMocks.ZoneId("example.com");

        foreach (var (type, name, _, id) in ids)
        {
            // internal/services/ruleset/resource.go: "<{accounts|zones}/{account_id|zone_id}>/<ruleset_id>";
            // internal/services/dns_record/resource.go: "<zone_id>/<dns_record_id>" (terraform-provider-cloudflare v5.19.1).
            var expected = type == Types.Ruleset ? $"zones/{zone}/{id}" : $"{zone}/{id}";
            Assert.Equal(expected, ((CustomResourceOptions)run.Construction(type, name).Options).ImportId);
            Assert.Equal(expected, run.Mocks.Registered.Single(r => r.Type == type && r.Name == name).Id);
        }
    }

    /// <summary>The ruleset attributes whose change replaces the ruleset (internal/services/ruleset/schema.go@v5.19.1: RequiresReplace on zone_id, kind, name, phase).</summary>
    private static readonly string[] RulesetReplaceKeys = ["zoneId", "kind", "name", "phase"];

    /// <summary>
    /// The engine's import, then diff: an imported ruleset's state is what Cloudflare holds (its own name,
    /// such as "default"); before diffing, the engine puts back the old value of every ignored property
    /// (processIgnoreChanges in continueStepsFromImport, pkg/resource/deploy/step_generator.go@v3.174.0),
    /// and a change of a replace-forcing property then means a replacement, which the engine refuses for a
    /// resource that specifies an import ID ("previously-imported resources that still specify an ID may
    /// not be replaced", same file). The same diff decides a title changed in code later.
    /// </summary>
    [Theory]
    [InlineData("default")]
    [InlineData("origin: a title the code no longer has")]
    public async Task An_adopted_ruleset_or_a_retitled_one_is_never_replaced_for_its_name(string nameOnCloudflare)
    {
        var ids = Adoptable.Where(a => a.Type == Types.Ruleset).Select((a, i) => (a.Name, a.Key, Id: $"{i + 1:x}".PadLeft(32, 'a'))).ToList();
        var run = await RunAsync(ids.Aggregate(StackFile.Prod, (s, a) => s.With($"cloudflare.adopt.{a.Key}", a.Id)));
        var rulesets = run.OfType(Types.Ruleset).ToList();
        Assert.NotEmpty(rulesets);

        foreach (var ruleset in rulesets)
        {
            var ignored = ((CustomResourceOptions)run.Construction(Types.Ruleset, ruleset.Name!).Options).IgnoreChanges;
            var state = ruleset.Inputs.SetItem("name", nameOnCloudflare);
            var diffed = ruleset.Inputs.ToDictionary(i => i.Key, i => ignored.Contains(i.Key) && state.TryGetValue(i.Key, out var old) ? old : i.Value);

            var replacedFor = RulesetReplaceKeys.Where(k => Json(diffed.GetValueOrDefault(k) ?? "") != Json(state.GetValueOrDefault(k) ?? "")).ToList();
            Assert.True(replacedFor.Count == 0, $"{ruleset.Name}: replaced for {string.Join(", ", replacedFor)}");
            // A ruleset the stack creates takes its title (the provider requires a name).
            Assert.StartsWith("origin: ", (string)ruleset.Inputs["name"]);
        }
    }

    [Fact]
    public async Task Nothing_is_imported_unless_its_id_is_configured()
    {
        var run = await RunAsync(StackFile.Prod.With("cloudflare.adopt.cacheRuleset", new string('c', 32)));

        Assert.NotNull(((CustomResourceOptions)run.Construction(Types.Ruleset, "cache-rules").Options).ImportId);
        Assert.All(run.Constructed.Where(c => c.Resource is CustomResource && c.Resource.GetResourceName() != "cache-rules"),
            c => Assert.Null(((CustomResourceOptions)c.Options).ImportId));
        // The engine's register request carries the import ID; protobuf sends "" for none.
        Assert.All(run.Mocks.Registered.Where(r => r.Name != "cache-rules"), r => Assert.Equal("", r.Id));
    }

    [Fact]
    public async Task Destroy_stops_at_the_protected_record_which_depends_on_the_whole_edge_and_the_verified_origin()
    {
        var run = await RunAsync(StackFile.Prod);
        var record = run.Construction(Types.DnsRecord, "live.example.com-A");
        var edge = run.Constructed.Where(c => c.Resource is CustomResource && c.Resource.GetResourceType().StartsWith("cloudflare:", StringComparison.Ordinal)
            && c.Resource.GetResourceType() != Types.DnsRecord && c.Resource.GetResourceType() != Types.OriginCaCertificate).ToList();

        Assert.True(record.Options.Protect);
        var dependsOn = await run.DependsOn(Types.DnsRecord, "live.example.com-A");
        Assert.Contains(dependsOn, d => d.GetResourceType() == Types.Verify);
        Assert.Equal(edge.Select(c => c.Resource).OrderBy(r => r.GetResourceName()), dependsOn.Where(d => d.GetResourceType() != Types.Verify).OrderBy(r => r.GetResourceName()));
        // Zone-level settings stay as the stack set them; the rulesets (the stack owns their phases) go.
        Assert.All(edge, c => Assert.Equal(c.Resource.GetResourceType() != Types.Ruleset, c.Options.RetainOnDelete ?? false));
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

    [Fact]
    public async Task On_every_plan_a_url_rewrite_takes_the_token_out_of_the_path_before_the_cache_key()
    {
        var run = await RunAsync(StackFile.Prod);
        var policy = EdgePolicy.Build(StackFile.Prod.Settings);
        var ruleset = run.Inputs(Types.Ruleset, "url-rewrites");
        var rules = List(ruleset["rules"]);

        Assert.Equal("http_request_transform", ruleset["phase"]);
        Assert.Equal(policy.UrlRewrites.Select(r => r.Ref), rules.Select(r => At(r, "ref")));
        foreach (var (rule, mapped) in policy.UrlRewrites.Zip(rules))
        {
            Assert.Equal("rewrite", At(mapped, "action"));
            Assert.Equal(rule.Expression, At(mapped, "expression"));
            Assert.Equal(rule.PathExpression, At(mapped, "actionParameters", "uri", "path", "expression"));
            Assert.Equal(rule.QueryExpression, At(mapped, "actionParameters", "uri", "query", "expression"));
        }
        // Free has no is_timed_hmac_valid_v0: no token rule, and the stack says so (cloudflare.acceptUncheckedEdge).
        Assert.Null(policy.TokenCheck);
        Assert.DoesNotContain(run.OfType(Types.Ruleset), r => (string)r.Inputs["phase"] == "http_request_firewall_custom");
    }

    [Fact]
    public async Task On_pro_the_token_rule_blocks_before_the_cache_with_both_keys_in_a_secret_expression()
    {
        var stack = StackFile.HcloudTest.Rotating;
        var run = await RunAsync(stack);
        var rule = EdgePolicy.Build(stack.Settings).TokenCheck!;
        var construction = run.Construction(Types.Ruleset, "custom-rules");
        var ruleset = run.Inputs(Types.Ruleset, "custom-rules");
        var mapped = Assert.Single(List(ruleset["rules"]));

        Assert.Equal("http_request_firewall_custom", ruleset["phase"]);
        Assert.Equal("block", At(mapped, "action"));
        Assert.Equal(rule.Expression([StackFile.TestTokenSecret, StackFile.TestTokenSecretPrevious]), At(mapped, "expression"));
        var args = (Pulumi.Cloudflare.RulesetArgs)construction.Args!;
        Pulumi.Output<string> expression = (await Value<System.Collections.Immutable.ImmutableArray<Pulumi.Cloudflare.Inputs.RulesetRuleArgs>>(args.Rules)).Single().Expression!;
        Assert.True(await Pulumi.Output.IsSecretAsync(expression), "the token rule's expression holds the keys: it must be a secret input");
        // The keys reach the host (nginx and the API) only once the edge accepts them: every upload of that step waits for the rule.
        var uploads = run.Constructed.Where(c => c.Resource.GetResourceType() == Types.Copy && c.Resource.GetResourceName().StartsWith("nginx-config/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(uploads);
        foreach (var upload in uploads)
            Assert.Contains(construction.Resource, await Value<System.Collections.Immutable.ImmutableArray<Pulumi.Resource>>(upload.Options.DependsOn));
    }
}
