using Pulumi;
using Xunit;

namespace Origin.Infra.Tests;

/// <summary>What each kind of stack registers, resource by resource.</summary>
public sealed class InventoryTests
{
    /// <summary>Every resource of the prod stack except the staged files, which <see cref="HostFileTests"/> checks one by one.</summary>
    private static readonly string[] ProdInventory =
    [
        $"{Types.Host} origin",
        $"{Types.Command} origin-debian-probe",
        $"{Types.LocalCommand} origin-incarnation",
        $"{Types.Zone} edge",
        $"{Types.DnsRecord} live.example.com-A",
        $"{Types.Ruleset} cache-rules",
        $"{Types.Ruleset} rate-limits",
        $"{Types.Ruleset} config-rules",
        $"{Types.Ruleset} redirect-rules",
        $"{Types.ArgoTieredCaching} tiered-caching",
        $"{Types.BotManagement} bot-management",
        $"{Types.Ruleset} url-rewrites",
        $"{Types.TieredCache} tiered-cache",
        $"{Types.Step} packages",
        $"{Types.Command} packages/apply",
        $"{Types.Step} firewall",
        $"{Types.Command} firewall/apply",
        $"{Types.Command} firewall/confirm",
        $"{Types.Step} kernel",
        $"{Types.Command} kernel/apply",
        $"{Types.Step} disks",
        $"{Types.Command} disks/apply",
        $"{Types.Step} hls-storage",
        $"{Types.Command} hls-storage/apply",
        $"{Types.Step} redis",
        $"{Types.Command} redis/supply-redis-secret",
        $"{Types.Command} redis/supply-redis-password-env",
        $"{Types.Command} redis/apply",
        $"{Types.Step} nginx-build",
        $"{Types.Command} nginx-build/apply",
        $"{Types.Step} tls",
        $"{Types.Command} tls/apply",
        $"{Types.Certificate} origin-certificate",
        $"{Types.OriginCaCertificate} origin-certificate",
        $"{Types.Step} nginx-config",
        $"{Types.Command} nginx-config/supply-token-keys",
        $"{Types.Command} nginx-config/supply-origin-certificate",
        $"{Types.Command} nginx-config/apply",
        $"{Types.Step} stream-service",
        $"{Types.Command} stream-service/app-clear",
        $"{Types.Copy} stream-service/app",
        $"{Types.Command} stream-service/apply",
        $"{Types.Step} cleanup",
        $"{Types.Command} cleanup/apply",
        $"{Types.Step} monitoring",
        $"{Types.Command} monitoring/apply",
        $"{Types.Command} plan-steps",
        $"{Types.Verify} verify",
        $"{Types.Copy} verify/verify.sh",
        $"{Types.Command} verify",
    ];

    [Fact]
    public async Task The_prod_stack_adopts_its_server_and_registers_exactly_its_inventory()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        var stagedCount = run.Plan.Steps.Sum(s => s.StagedFiles().Count());
        var staged = run.OfType(Types.Copy).Where(r => r.Name is not ("stream-service/app" or "verify/verify.sh")).ToList();

        Assert.Equal(ProdInventory.Order(), run.Mocks.Registered.Except(staged).Select(r => $"{r.Type} {r.Name}").Order());
        Assert.Equal(stagedCount, staged.Count);
        Assert.DoesNotContain(run.Mocks.Registered, r => r.Type!.StartsWith("hcloud:", StringComparison.Ordinal));
        Assert.Equal("65.108.235.165", ((IDictionary<string, object>)run.Inputs(Types.Command, "packages/apply")["connection"])["host"]);
    }

    [Fact]
    public async Task The_hcloud_stack_creates_a_protected_dedicated_vcpu_server_behind_a_cloud_firewall()
    {
        var run = await StackRun.RunAsync(StackFile.HcloudTest);
        var hcloud = StackFile.HcloudTest.Settings.Host.Hcloud;

        Assert.Equal(hcloud.SshPublicKeys.Select(k => k.Value), run.OfType(Types.SshKey).Select(k => (string)k.Inputs["publicKey"]));
        var server = run.Inputs(Types.Server, "origin-test");
        Assert.Equal("ccx33", server["serverType"]);
        // hcloud-test leaves host.release at its default: a new server runs Debian 13.
        Assert.Equal("debian-13", server["image"]);
        Assert.Equal("nbg1", server["location"]);
        Assert.Equal(true, server["deleteProtection"]);
        Assert.Equal(true, server["rebuildProtection"]);
        Assert.Equal([double.Parse(OriginMocks.FirewallId)], ((IEnumerable<object>)server["firewallIds"]).Cast<double>()); // numbers arrive as doubles
        Assert.Equal(hcloud.SshPublicKeys.Select(k => $"origin-test-key-{k.Digest[..12]}-id"), ((IEnumerable<object>)server["sshKeys"]).Cast<string>());
        Assert.Equal(true, server["keepDisk"]);
        Assert.Single(run.OfType(Types.Firewall));

        var options = run.Construction(Types.Server, "origin-test").Options;
        Assert.True(options.Protect);
        Assert.Equal(["image", "sshKeys", "userData"], options.IgnoreChanges.Order());

        // The server's own address is what every step connects to, and what the records point at.
        Assert.Equal(OriginMocks.ServerIpv4, ((IDictionary<string, object>)run.Inputs(Types.Command, "packages/apply")["connection"])["host"]);
        Assert.Equal(OriginMocks.ServerIpv4, run.Inputs(Types.DnsRecord, "live.origin-test.net-A")["content"]);
        Assert.Equal(OriginMocks.ServerIpv6, run.Inputs(Types.DnsRecord, "live.origin-test.net-AAAA")["content"]);
        // The server keeps its image when the config's release changes (ignoreChanges), so the probe runs here too.
        Assert.Equal(Origin.Plan.DebianRelease.Trixie.ProbeCommand, run.Inputs(Types.Command, "origin-debian-probe")["create"]);
    }

    /// <summary>
    /// Removing or reordering hcloud.sshPublicKeys: each key keeps its resource (named by the key), so the
    /// engine deletes a removed one and diffs the others against themselves; none is replaced in place
    /// by a neighbour (a publicKey change forces a replacement: internal/sshkey/resource.go@v1.66.1).
    /// A stack whose keys were named by position finds them through the aliases, each at its place.
    /// </summary>
    [Fact]
    public async Task Removing_or_reordering_ssh_keys_replaces_no_key_in_place()
    {
        var before = await StackRun.RunAsync(StackFile.HcloudTest);
        var keys = StackFile.HcloudTest.Settings.Host.Hcloud.SshPublicKeys.Select(k => k.Value).ToList();
        Assert.True(keys.Count >= 2);
        var reordered = await StackRun.RunAsync(StackFile.HcloudTest.With("host.hcloud.sshPublicKeys", "[" + string.Join(", ", keys.AsEnumerable().Reverse().Select(k => $"\"{k}\"")) + "]"));
        var removed = await StackRun.RunAsync(StackFile.HcloudTest.With("host.hcloud.sshPublicKeys", $"[\"{keys[^1]}\"]"));

        var was = before.OfType(Types.SshKey).ToDictionary(k => k.Name!, k => (string)k.Inputs["publicKey"]);
        foreach (var after in new[] { reordered, removed })
            foreach (var key in after.OfType(Types.SshKey))
                if (was.TryGetValue(key.Name!, out var publicKey)) Assert.Equal(publicKey, key.Inputs["publicKey"]);
        Assert.Equal([keys[^1]], removed.OfType(Types.SshKey).Select(k => (string)k.Inputs["publicKey"]));
        Assert.Equal(was.Keys.Order(), reordered.OfType(Types.SshKey).Select(k => k.Name!).Order());

        var aliases = new List<string>();
        foreach (var key in before.Constructed.Where(c => c.Resource.GetResourceType() == Types.SshKey))
        {
            var alias = await StackRun.Value((Output<Alias>)key.Options.Aliases.Single());
            aliases.Add(await StackRun.Value((Output<string>)alias.Name!));
        }
        Assert.Equal(Enumerable.Range(0, keys.Count).Select(i => $"origin-test-key-{i}"), aliases);
    }

    [Fact]
    public async Task Steps_apply_in_the_plans_order_and_the_verification_comes_last()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        var names = run.Plan.Steps.Select(s => s.Name).ToList();

        Assert.Equal(names, run.Resources.Where(r => r.GetResourceType() == Types.Step).Select(r => r.GetResourceName()));
        for (var i = 1; i < names.Count; i++)
        {
            var dependsOn = await run.DependsOn(Types.Command, $"{names[i]}/apply");
            Assert.Contains(dependsOn, d => d.GetResourceType() == Types.Step && d.GetResourceName() == names[i - 1]);
        }
        Assert.Contains(await run.DependsOn(Types.Command, "packages/apply"), d => d.GetResourceType() == Types.Host);
        Assert.Contains(await run.DependsOn(Types.Command, "firewall/confirm"), d => d.GetResourceName() == "firewall/apply");
        Assert.Contains(await run.DependsOn(Types.Copy, "verify/verify.sh"), d => d.GetResourceName() == names[^1]);
    }
}
