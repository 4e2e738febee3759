using Origin.Binding;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// Cloudflare connects to the address of the DNS record, over its family: an adopted host's configured address
/// (IPv4 or IPv6), or in hcloud mode the server's own (an A and an AAAA record). nginx listens on both families
/// (served on [::1] by OutsideInTests), and the converge's verify.sh checks nginx on the record's address, so a
/// host that serves only on loopback or only on IPv4 fails its deploy instead of answering every viewer 521.
/// </summary>
public class AddressFamilyTests
{
    /// <summary>A global unicast address (Hetzner's 2a01:4f8::/29): validation refuses documentation and private ranges.</summary>
    private const string V6Address = "2a01:4f8:c17:2a5b::1";

    /// <summary>SSH to an IPv6 address comes from an IPv6 network: the firewall must admit one (validation says so).</summary>
    private const string AdminV6 = "host.adminCidrs=[\"203.0.113.0/24\", \"2001:db8:1::/48\"]";

    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void A_host_adopted_by_its_IPv6_address_listens_on_IPv6_and_verifies_there(int release)
    {
        var plan = Stacks.ProdPlan($"host.release={release}", $"host.dedicated.address={V6Address}", AdminV6);
        var conf = plan.Files.Single(f => f.Path == "/opt/nginx/nginx.conf").Content;
        Assert.Contains("\n        listen [::]:80 default_server ", conf);
        Assert.Contains("\n        listen [::]:443 ssl default_server ", conf);
        using var nginx = new RenderedNginx(release, plan);
        var test = nginx.Test();
        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Contains($"' token_check_on {V6Address} live.example.com '/live/stream_0.m3u8?", plan.VerifyScript);
        // token_check_on puts an IPv6 address in brackets: what curl is asked for, run by bash.
        var url = Tool.Run("bash", ["-c", Function(plan.VerifyScript, "token_check_on") + "\nhttp_status() { echo \"$4\"; }\ntoken_check_on \"$1\" h /p", "-", V6Address]);
        Assert.Equal($"http://[{V6Address}]/p", url.Stdout.Trim());
    }

    [Fact]
    public void An_hcloud_server_verifies_nginx_on_its_global_addresses_of_both_families()
    {
        var sections = StackConfig.ReadStackFile(Repo.Path("tests", "fixtures", "Pulumi.hcloud-test.yaml"));
        var plan = HostPlan.Build(OriginConfig.Load(sections).Valid, Stacks.FixtureRanges);
        foreach (var family in new[] { 4, 6 })
        {
            Assert.Contains($"check 'the server has a global IPv{family} address (a DNS record points at it)' global_addresses {family} | grep -q .", plan.VerifyScript);
            Assert.Contains($"for address in $(global_addresses {family}); do\n    check \"http: the token check answers on $address", plan.VerifyScript);
        }
        using var root = new TempDir();
        var script = root.Write("verify.sh", plan.VerifyScript);
        var lint = Tool.Run("shellcheck", ["--shell=bash", "--severity=warning", script]);
        Assert.True(lint.ExitCode == 0, lint.Output);
    }

    /// <summary>A shell function of a script, from its name to its closing brace.</summary>
    private static string Function(string script, string name)
    {
        var start = script.IndexOf($"\n{name}() {{", StringComparison.Ordinal);
        return script[start..(script.IndexOf("\n}\n", start, StringComparison.Ordinal) + 3)];
    }
}
