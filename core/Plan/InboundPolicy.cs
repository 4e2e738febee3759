using Origin.Plan.Steps;
using Origin.Settings;
using Origin.Values;

namespace Origin.Plan;

/// <summary>Where an inbound rule admits connections from.</summary>
public enum InboundSource
{
    /// <summary>host.adminCidrs.</summary>
    AdminNetworks,
    /// <summary>Cloudflare's published ranges (cloudflare.originLockdown).</summary>
    Cloudflare,
    /// <summary>Every address (cloudflare.originLockdown off).</summary>
    Anywhere,
}

/// <summary>TCP ports open to one source.</summary>
/// <param name="What">Why the rule exists, as the host firewall comments it and the cloud firewall describes it.</param>
public sealed record InboundRule(string What, IReadOnlyList<int> Ports, InboundSource From);

/// <summary>
/// Who may open TCP connections to the origin (AUDIT-NOTES #16): SSH and exposed exporters from the
/// admin networks, HTTP(S) from Cloudflare only. The host firewall renders it as nftables and the cloud
/// firewall (hcloud mode) maps it rule for rule, so the two layers cannot disagree.
/// </summary>
public sealed record InboundPolicy(IReadOnlyList<InboundRule> Rules, IReadOnlyList<Cidr> AdminNetworks, IReadOnlyList<Cidr> CloudflareRanges)
{
    public static readonly IReadOnlyList<Cidr> Everywhere = [Cidr.Parse("0.0.0.0/0"), Cidr.Parse("::/0")];

    public static InboundPolicy Build(OriginSettings s, DeployInputs inputs)
    {
        var rules = new List<InboundRule> { new("SSH from the admin networks", [s.Host.Ssh.Port], InboundSource.AdminNetworks) };
        rules.Add(s.Cloudflare.OriginLockdown
            ? new("HTTP(S) from Cloudflare only", [80, 443], InboundSource.Cloudflare)
            : new("HTTP(S) from anywhere: cloudflare.originLockdown is off", [80, 443], InboundSource.Anywhere));
        var exporterPorts = MonitoringStep.Exporters(s).Where(e => e.Settings.Enabled).Select(e => e.Settings.Port).ToList();
        if (s.Monitoring.Prometheus.Mode == PrometheusMode.Local) exporterPorts.Add(s.Monitoring.Prometheus.Port);
        if (s.Monitoring.Exposure == ExporterExposure.AdminCidrs && exporterPorts.Count > 0)
            rules.Add(new("Prometheus and its exporters from the admin networks", exporterPorts, InboundSource.AdminNetworks));
        return new InboundPolicy(rules, s.Host.AdminCidrs, s.Cloudflare.OriginLockdown ? inputs.CloudflareRanges.ToList() : []);
    }

    /// <summary>The networks a rule admits.</summary>
    public IReadOnlyList<Cidr> Sources(InboundRule rule) => rule.From switch
    {
        InboundSource.AdminNetworks => AdminNetworks,
        InboundSource.Cloudflare => CloudflareRanges,
        _ => Everywhere,
    };
}
