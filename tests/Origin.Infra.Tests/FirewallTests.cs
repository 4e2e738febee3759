using Origin.Plan;
using Xunit;
using static Origin.Infra.Tests.StackRun;

namespace Origin.Infra.Tests;

/// <summary>HTTP(S) is open to the ranges the provider lookup returned, on the host and in the cloud firewall, and nginx trusts the same ranges.</summary>
public sealed class FirewallTests
{
    /// <summary>Cloudflare's ranges as committed in the fixture: no deploy may use them, since the mocks return others.</summary>
    private static readonly string[] FixtureRanges = ReadFixtureRanges();

    [Fact]
    public async Task The_host_firewall_and_nginx_realip_use_the_looked_up_ranges()
    {
        var run = await RunAsync(StackFile.Prod);
        var ranges = run.Mocks.Ipv4Ranges.Concat(run.Mocks.Ipv6Ranges).ToList();
        var nft = Staged(run, "/etc/origin-stack/firewall.nft");
        var realip = Staged(run, "/opt/nginx/conf.d/cloudflare-realip.conf");

        Assert.Contains($"elements = {{ {string.Join(", ", run.Mocks.Ipv4Ranges)} }}", nft);
        Assert.Contains($"elements = {{ {string.Join(", ", run.Mocks.Ipv6Ranges)} }}", nft);
        Assert.Contains("tcp dport { 80, 443 } ip saddr @cloudflare_v4 accept", nft);
        Assert.Equal(ranges.Select(r => $"set_real_ip_from {r};"), realip.Split('\n').Where(l => l.StartsWith("set_real_ip_from", StringComparison.Ordinal)));
        Assert.DoesNotContain(FixtureRanges, r => nft.Contains(r) || realip.Contains(r));
    }

    [Fact]
    public async Task The_cloud_firewall_admits_http_from_the_looked_up_ranges_and_ssh_and_exporters_from_the_admin_networks()
    {
        var run = await RunAsync(StackFile.HcloudTest);
        var settings = StackFile.HcloudTest.Settings;
        var admin = settings.Host.AdminCidrs.Select(c => c.ToString()).ToList();
        var cloudflare = run.Mocks.Ipv4Ranges.Concat(run.Mocks.Ipv6Ranges).ToList();
        var rules = List(run.Inputs(Types.Firewall, "origin-test")["rules"])
            .ToDictionary(r => (string)At(r, "port")!, r => List(At(r, "sourceIps")).Cast<string>().ToList());

        Assert.All(List(run.Inputs(Types.Firewall, "origin-test")["rules"]), r => Assert.Equal(("in", "tcp"), (At(r, "direction"), At(r, "protocol"))));
        Assert.Equal(["22", "443", "80", "9090", "9100", "9113", "9121"], rules.Keys.Order());
        Assert.Equal(admin, rules["22"]);
        Assert.Equal(cloudflare, rules["80"]);
        Assert.Equal(cloudflare, rules["443"]);
        // The local Prometheus (monitoring.prometheus.mode local) is exposed like its exporters.
        Assert.All(["9090", "9100", "9113", "9121"], port => Assert.Equal(admin, rules[port]));
    }

    private static string Staged(StackRun run, string hostPath) =>
        AssetValue(run.OfType(Types.Copy).Single(c => ((string)c.Inputs["remotePath"]).EndsWith("/files" + hostPath, StringComparison.Ordinal)).Inputs["source"]);

    private static string[] ReadFixtureRanges() =>
        DeployInputs.FromJson(File.ReadAllText(Repo.Path("tests/fixtures/cloudflare-ips.json"))).CloudflareRanges.Select(r => r.ToString()).ToArray();
}
