using Origin.Rendering;
using Origin.Values;

namespace Origin.Plan.Steps;

/// <summary>nftables: SSH and exporters from admin networks, HTTP(S) from Cloudflare only (AUDIT-NOTES #16).</summary>
internal static class FirewallStep
{
    /// <summary>How long a new ruleset stays unless a new SSH connection confirms it.</summary>
    public const int RollbackSeconds = 120;

    public static Step Build(PlanContext c)
    {
        var policy = InboundPolicy.Build(c.Settings, c.Inputs);
        var sets = new List<string>();
        void Set(string name, string type, IEnumerable<Cidr> cidrs)
        {
            var elements = cidrs.Select(x => Template.Token(x).Text).ToList();
            if (elements.Count == 0) return;
            sets.Add($"    set {name} {{");
            sets.Add($"        type {type}");
            sets.Add("        flags interval");
            sets.Add($"        elements = {{ {string.Join(", ", elements)} }}");
            sets.Add("    }");
        }
        foreach (var (source, cidrs) in new[] { (InboundSource.AdminNetworks, policy.AdminNetworks), (InboundSource.Cloudflare, policy.CloudflareRanges) })
        {
            Set(SetName(source) + "_v4", "ipv4_addr", cidrs.Where(x => !x.IsIPv6));
            Set(SetName(source) + "_v6", "ipv6_addr", cidrs.Where(x => x.IsIPv6));
        }

        var rules = new List<string>();
        foreach (var rule in policy.Rules)
        {
            var ports = rule.Ports.Count == 1 ? rule.Ports[0].ToString() : $"{{ {string.Join(", ", rule.Ports)} }}";
            rules.Add($"        # {rule.What}");
            if (rule.From == InboundSource.Anywhere)
            {
                rules.Add($"        tcp dport {ports} accept");
                continue;
            }
            var sources = policy.Sources(rule);
            if (sources.Any(x => !x.IsIPv6)) rules.Add($"        tcp dport {ports} ip saddr @{SetName(rule.From)}_v4 accept");
            if (sources.Any(x => x.IsIPv6)) rules.Add($"        tcp dport {ports} ip6 saddr @{SetName(rule.From)}_v6 accept");
        }

        var files = new List<HostFile>
        {
            PlanContext.File("/etc/origin-stack/firewall.nft", "600", "root", "root", "firewall/origin.nft", new()
            {
                ["sets"] = Template.Lines(sets),
                ["rules"] = Template.Lines(rules),
            }),
            PlanContext.File("/etc/systemd/system/origin-firewall.service", "644", "root", "root", "firewall/origin-firewall.service", new()),
            PlanContext.File("/etc/origin-stack/firewall-rollback.sh", "700", "root", "root", "firewall/rollback.sh", new()
            {
                ["rollback_seconds"] = Template.Token(RollbackSeconds),
            }),
        };
        return PlanContext.Step("firewall", "host firewall (nftables)", files,
            new() { ["rollback_seconds"] = Template.Token(RollbackSeconds) },
            new(),
            confirm: Template.Render("firewall/confirm.sh", new() { ["rollback_seconds"] = Template.Token(RollbackSeconds) }),
            inputs: c.Settings.Cloudflare.OriginLockdown ? [PlanInput.CloudflareRanges] : []);
    }

    private static string SetName(InboundSource source) => source == InboundSource.AdminNetworks ? "admin" : "cloudflare";
}
