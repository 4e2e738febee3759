using Origin.Rendering;
using Origin.Settings;
using Origin.Values;

namespace Origin.Plan.Steps;

/// <summary>nftables: SSH and exporters from admin networks, HTTP(S) from Cloudflare only (AUDIT-NOTES #16).</summary>
internal static class FirewallStep
{
    /// <summary>How long a new ruleset stays unless a new SSH connection confirms it.</summary>
    public const int RollbackSeconds = 120;

    public static Step Build(PlanContext c)
    {
        var s = c.Settings;
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
        Set("admin_v4", "ipv4_addr", s.Host.AdminCidrs.Where(x => !x.IsIPv6));
        Set("admin_v6", "ipv6_addr", s.Host.AdminCidrs.Where(x => x.IsIPv6));
        if (s.Cloudflare.OriginLockdown)
        {
            Set("cloudflare_v4", "ipv4_addr", c.Inputs.CloudflareIpv4);
            Set("cloudflare_v6", "ipv6_addr", c.Inputs.CloudflareIpv6);
        }

        var rules = new List<string>();
        void FromSets(string ports, string what, string v4, string v6, bool haveV4, bool haveV6)
        {
            rules.Add($"        # {what}");
            if (haveV4) rules.Add($"        tcp dport {ports} ip saddr @{v4} accept");
            if (haveV6) rules.Add($"        tcp dport {ports} ip6 saddr @{v6} accept");
        }
        FromSets(s.Host.Ssh.Port.ToString(), "SSH from the admin networks", "admin_v4", "admin_v6",
            s.Host.AdminCidrs.Any(x => !x.IsIPv6), s.Host.AdminCidrs.Any(x => x.IsIPv6));
        if (s.Cloudflare.OriginLockdown)
            FromSets("{ 80, 443 }", "HTTP(S) from Cloudflare only", "cloudflare_v4", "cloudflare_v6",
                c.Inputs.CloudflareIpv4.Count > 0, c.Inputs.CloudflareIpv6.Count > 0);
        else
        {
            rules.Add("        # HTTP(S) from anywhere: cloudflare.originLockdown is off");
            rules.Add("        tcp dport { 80, 443 } accept");
        }
        var exporterPorts = MonitoringStep.Exporters(s).Where(e => e.Settings.Enabled).Select(e => e.Settings.Port.ToString()).ToList();
        if (s.Monitoring.Exposure == ExporterExposure.AdminCidrs && exporterPorts.Count > 0)
            FromSets($"{{ {string.Join(", ", exporterPorts)} }}", "Prometheus exporters from the admin networks", "admin_v4", "admin_v6",
                s.Host.AdminCidrs.Any(x => !x.IsIPv6), s.Host.AdminCidrs.Any(x => x.IsIPv6));

        var files = new List<HostFile>
        {
            PlanContext.File("/etc/origin-stack/firewall.nft", "600", "root", "root", "firewall/origin.nft", new()
            {
                ["sets"] = Template.Lines(sets),
                ["rules"] = Template.Lines(rules),
            }),
            PlanContext.File("/etc/systemd/system/origin-firewall.service", "644", "root", "root", "firewall/origin-firewall.service", new()),
        };
        return PlanContext.Step("firewall", "host firewall (nftables)", files,
            new() { ["rollback_seconds"] = Template.Token(RollbackSeconds) },
            new(),
            confirm: Template.Render("firewall/confirm.sh", new()),
            inputs: s.Cloudflare.OriginLockdown ? [PlanInput.CloudflareRanges] : []);
    }
}
