using Origin.Plan;
using HCloud = Pulumi.HCloud;

namespace Origin.Infra;

/// <summary>The core's inbound policy as Hetzner Cloud firewall rules, one per port, so it matches the host firewall rule for rule.</summary>
internal static class CloudFirewall
{
    public static IEnumerable<HCloud.Inputs.FirewallRuleArgs> Rules(InboundPolicy policy) =>
        policy.Rules.SelectMany(rule => rule.Ports.Select(port => new HCloud.Inputs.FirewallRuleArgs
        {
            Description = rule.What,
            Direction = "in",
            Protocol = "tcp",
            Port = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIps = policy.Sources(rule).Select(cidr => cidr.ToString()).ToList(),
        }));
}
