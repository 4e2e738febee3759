using Origin.Edge;
using Origin.Values;
using Pulumi;
using Cloudflare = Pulumi.Cloudflare;

namespace Origin.Infra;

/// <summary>
/// The Cloudflare zone as the core's edge policy says, one resource per element: the entry-point
/// rulesets (viewer tokens out of the path and checked, cache, rate limits, and the host name's TLS mode
/// and https redirect), zone or host name TLS settings, Tiered Cache, and last (<see cref="GoLive"/>) the
/// proxied origin record.
/// </summary>
/// <remarks>
/// Deletes are deliberate (docs/deploy.md, "Destroy: the edge"). The records are protected and depend on
/// every other edge resource and on the resource given to <see cref="GoLive"/> (the origin's verification, which depends
/// on the whole converge). Pulumi deletes dependents before their dependencies, refuses to delete a
/// protected resource, and then deletes none of that resource's transitive dependencies
/// (pulumi/pulumi pkg/resource/deploy/step.go DeleteStep.Apply, deployment_executor.go "erroredDeps",
/// v3.174.0). So `pulumi destroy` removes nothing of the edge or the host until the records are
/// unprotected, and once they are, the name goes first. Depending on a component is depending on its
/// children (pulumi/pulumi-dotnet sdk/Pulumi/Deployment/Deployment_Prepare.cs@v3.112.1). On an `up` the records come last: the name
/// points at the origin only once its rules exist and the origin has verified.
/// </remarks>
internal sealed class EdgeZone : ComponentResource
{
    private readonly string zoneId;
    private readonly EdgePolicy policy;
    private readonly List<Resource> edge = [];

    /// <summary>The rulesets that carry and check viewer tokens: the API issues tokens with a new key only after they accept it.</summary>
    public IReadOnlyList<Resource> TokenRulesets { get; }

    /// <param name="tokenKeys">The viewer-token keys (secret), the current one first; the token rule's expression holds them.</param>
    public EdgeZone(string name, string zoneId, EdgePolicy policy, Output<IReadOnlyList<string>> tokenKeys, ComponentResourceOptions? options = null)
        : base("origin:edge:Zone", name, options)
    {
        this.zoneId = zoneId;
        this.policy = policy;
        var before = edge;
        const string RulesetName = "name";
        CustomResourceOptions Options(string? importId = null, bool retainOnDelete = false) =>
            new() { Parent = this, ImportId = importId, RetainOnDelete = retainOnDelete };

        // A zone has one entry-point ruleset per phase, and the provider's create always makes a new one
        // (Rulesets.New in internal/services/ruleset/resource.go@v5.19.1): Cloudflare refuses it with
        // error 20217 when the phase has one (cloudflare/terraform-provider-cloudflare#2004). An adopted ruleset is imported instead; Pulumi then updates
        // it to these rules in the same deployment (pulumi CHANGELOG 3.174.0, pulumi/pulumi#19339).
        // Deleting one (destroy) deletes the whole phase ruleset, as the stack owns the phase.
        Resource? Ruleset(string resourceName, string phase, string title, IReadOnlyList<Cloudflare.Inputs.RulesetRuleArgs> rules, CloudflareId? adopted)
        {
            if (rules.Count == 0) return null;
            // The name is required and forces a replacement (internal/services/ruleset/schema.go@v5.19.1, "name":
            // Required, stringplanmodifier.RequiresReplace()), and a replacement of an imported ruleset is refused
            // ("previously-imported resources that still specify an ID may not be replaced",
            // pkg/resource/deploy/step_generator.go@v3.174.0). Ignoring changes to it keeps the name the ruleset
            // has: the engine puts the old value back before diffing, after an import too (processIgnoreChanges
            // in continueStepsFromImport, step_generator.go@v3.174.0). A new ruleset takes the title; a title
            // changed later in code is never sent.
            var options = Options(adopted is null ? null : ImportIds.ZoneRuleset(zoneId, adopted));
            options.IgnoreChanges = [RulesetName];
            var ruleset = new Cloudflare.Ruleset(resourceName, new Cloudflare.RulesetArgs { ZoneId = zoneId, Kind = "zone", Phase = phase, Name = title, Rules = rules.ToList() }, options);
            before.Add(ruleset);
            return ruleset;
        }
        var adopt = policy.Adoption;
        // Phases run in a fixed order: URL rewrites (http_request_transform) before the custom rules
        // (http_request_firewall_custom), which see the rewritten URI, before the cache
        // (https://developers.cloudflare.com/ruleset-engine/reference/phases-list/).
        TokenRulesets = new[]
        {
            Ruleset("url-rewrites", Phases.Transform, "origin: viewer tokens out of the path", policy.UrlRewrites.Select(EdgeRules.Rewrite).ToList(), adopt.RewriteRuleset),
            policy.TokenCheck is { } check
                ? Ruleset("custom-rules", Phases.Custom, "origin: viewer tokens", [EdgeRules.Block(check, tokenKeys)], adopt.CustomRuleset)
                : null,
        }.OfType<Resource>().ToList();
        Ruleset("cache-rules", Phases.Cache, "origin: HLS cache rules", policy.CacheRules.Select(EdgeRules.Cache).ToList(), adopt.CacheRuleset);
        Ruleset("rate-limits", Phases.RateLimit, "origin: rate limits", policy.RateLimitRules.Select(EdgeRules.RateLimit).ToList(), adopt.RateLimitRuleset);
        Ruleset("config-rules", Phases.Config, "origin: TLS of the origin's host name", policy.ConfigRules.Select(EdgeRules.Config).ToList(), adopt.ConfigRuleset);
        Ruleset("redirect-rules", Phases.Redirect, "origin: https for the origin's host name", policy.RedirectRules.Select(EdgeRules.Redirect).ToList(), adopt.RedirectRuleset);

        // The provider's delete of a zone setting does nothing (ZoneSettingResource.Delete is empty,
        // internal/services/zone_setting/resource.go@v5.19.1); RetainOnDelete says so here, and keeps
        // it so should a later provider start resetting them.
        foreach (var setting in policy.ZoneSettings)
            before.Add(new Cloudflare.ZoneSetting(setting.Id, new Cloudflare.ZoneSettingArgs { ZoneId = zoneId, SettingId = setting.Id, Value = setting.Value },
                Options(retainOnDelete: true)));
        // Deleting one removes the host name's override: the zone's own value applies again
        // (Hostnames.Settings.TLS.Delete, internal/services/hostname_tls_setting/resource.go@v5.19.1).
        foreach (var setting in policy.HostnameTlsSettings)
            before.Add(new Cloudflare.HostnameTlsSetting($"{setting.Hostname}-{setting.SettingId}", new Cloudflare.HostnameTlsSettingArgs
            {
                ZoneId = zoneId, Hostname = setting.Hostname, SettingId = setting.SettingId, Value = setting.Value,
            }, Options()));

        // Provider v5 splits Tiered Cache in two: cloudflare_argo_tiered_caching switches Tiered Cache
        // itself (PATCH /zones/{id}/argo/tiered_caching, https://developers.cloudflare.com/api/resources/argo/subresources/tiered_caching/),
        // cloudflare_tiered_cache only its Smart topology (Cache.SmartTieredCache.Edit,
        // https://developers.cloudflare.com/api/resources/cache/subresources/smart_tiered_cache/); see
        // internal/services/{argo_tiered_caching,tiered_cache}/resource.go@v5.19.1. Both zone-level: retained on delete.
        if (policy.TieredCache)
        {
            var tiered = new Cloudflare.ArgoTieredCaching("tiered-caching", new Cloudflare.ArgoTieredCachingArgs { ZoneId = zoneId, Value = "on" }, Options(retainOnDelete: true));
            // The topology is one of Tiered Cache's: set once Tiered Cache is on.
            var smart = Options(retainOnDelete: true);
            smart.DependsOn = tiered;
            before.AddRange([tiered, new Cloudflare.TieredCache("tiered-cache", new Cloudflare.TieredCacheArgs { ZoneId = zoneId, Value = "on" }, smart)]);
        }

        // Bot Fight Mode off, when the operator allows it (core/Validation/CloudflareRules.cs says why). The
        // provider's create is the zone's bot management PUT with only what is set (BotManagementResource.Create),
        // and its delete does nothing ("will not change it in the API", BotManagementResource.ModifyPlan and the
        // empty Delete; internal/services/bot_management/resource.go@v5.19.1): RetainOnDelete says so.
        if (policy.BotFightModeOff)
            before.Add(new Cloudflare.BotManagement("bot-management", new Cloudflare.BotManagementArgs { ZoneId = zoneId, FightMode = false }, Options(retainOnDelete: true)));

        RegisterOutputs(new Dictionary<string, object?> { ["zoneId"] = zoneId });
    }

    /// <summary>The proxied records of the origin, once <paramref name="goLive"/> (the origin's verification) is done.</summary>
    public void GoLive(Output<string>? ipv4, Output<string>? ipv6, Resource goLive)
    {
        var adopt = policy.Adoption;
        Resource[] before = [.. edge, goLive];
        foreach (var (type, address, adopted) in new[] { ("A", ipv4, adopt.RecordA), ("AAAA", ipv6, adopt.RecordAaaa) })
            if (address is not null)
                _ = new Cloudflare.DnsRecord($"{policy.RecordName}-{type}", new Cloudflare.DnsRecordArgs
                {
                    ZoneId = zoneId,
                    Name = policy.RecordName,
                    Type = type,
                    Content = address,
                    Proxied = true,
                    Ttl = 1, // automatic: required for proxied records
                    Comment = "origin stack: the HLS origin, behind Cloudflare",
                }, new CustomResourceOptions
                {
                    Parent = this,
                    Protect = true,
                    DependsOn = before,
                    ImportId = adopted is null ? null : ImportIds.DnsRecord(zoneId, adopted),
                });
    }
}
