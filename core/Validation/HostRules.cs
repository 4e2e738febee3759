using Origin.Capacity;
using Origin.Settings;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

internal static class HostRules
{
    private static readonly Values.Cidr[] DocumentationRanges =
        new[] { "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32" }.Select(Values.Cidr.Parse).ToArray();

    public static void Check(OriginSettings s, Sizing sizing, Findings f)
    {
        var host = s.Host;
        if (host.AdminCidrs.Count == 0)
            f.Error(Of("host.adminCidrs"), "at least one network allowed to SSH (the firewall drops everything else)", "none");
        foreach (var (cidr, i) in host.AdminCidrs.Select((c, i) => (c, i)))
            if (DocumentationRanges.Any(d => d.Contains(cidr.Network.BaseAddress)))
                f.Warn(Of($"host.adminCidrs[{i}]"), $"{cidr} is a documentation range (RFC 5737/3849): nobody deploys from it, and the firewall will refuse your SSH");
            else if (cidr.Network.PrefixLength == 0)
                f.Warn(Of($"host.adminCidrs[{i}]"), $"{cidr} opens SSH{(s.Monitoring.Exposure == ExporterExposure.AdminCidrs ? " and the exporters" : "")} to the whole internet");

        // Every step's apply and revert script runs as the SSH user, without sudo: it installs packages,
        // units and nftables rules and writes the stage under Step.StateDir (/var/lib/origin-stack),
        // which only root may do. A non-root user would fail at the first step, after the server exists.
        if (host.Ssh.User.Value != "root")
            f.Error(Of("host.ssh.user"), $"root: the converge scripts run without sudo, install packages, units and firewall rules, and stage files under {Plan.Step.StateDir}, which only root may write",
                Findings.Show(host.Ssh.User.Value));
        if (host.Ssh.HostKey is null)
            f.Error(Of("host.ssh.hostKey"), host.Mode == HostMode.Hcloud
                ? "the public half of origin:sshHostPrivateKey (ssh-keygen -y -f <key file>): every connection pins it"
                : "the server's SSH host key (ssh-keyscan -t ed25519 <address>, compared out of band): every connection pins it", "nothing");
        else if (host.Mode == HostMode.Hcloud && !host.Ssh.HostKey.Value.StartsWith("ssh-ed25519 ", StringComparison.Ordinal))
            f.Error(Of("host.ssh.hostKey"), "an ssh-ed25519 key: the server's user data installs an Ed25519 host key", Findings.Show(host.Ssh.HostKey.Value.Split(' ')[0]));

        switch (host.Mode)
        {
            case HostMode.Hcloud:
                if (!host.Hcloud.ServerType.Value.StartsWith("ccx", StringComparison.Ordinal))
                    f.Error(Of("host.hcloud.serverType"), "a dedicated-vCPU type (ccx13 ... ccx63): shared vCPUs are throttled under sustained load", Findings.Show(host.Hcloud.ServerType.Value));
                if (host.Hcloud.SshPublicKeys.Count == 0)
                    f.Error(Of("host.hcloud.sshPublicKeys"), "at least one OpenSSH public key for root", "none");
                var release = Plan.DebianRelease.For(host.Release);
                if (host.Hcloud.Image is { } image && image.Value != release.HcloudImage)
                    f.Error(Of("host.hcloud.image"), $"{release.HcloudImage}, the image of host.release {release.Number} (or leave it out)", Findings.Show(image.Value));
                break;
            case HostMode.Dedicated:
                if (host.Dedicated.Address is null)
                    f.Error(Of("host.dedicated.address"), "the public address of the server to adopt", "nothing");
                // Every converge dials this address, so it comes from a source address of the same family, and the
                // firewall admits SSH only from host.adminCidrs of that family: with none, the confirm is dropped,
                // the ruleset rolls back, and every up fails.
                else if (host.AdminCidrs.Count > 0 && host.AdminCidrs.All(c => c.IsIPv6 != (host.Dedicated.Address.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)))
                {
                    var family = host.Dedicated.Address.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
                    f.Error(Of("host.adminCidrs"), $"at least one {family} network: the converge dials host.dedicated.address ({host.Dedicated.Address}), an {family} address, and the firewall admits SSH only from host.adminCidrs of its family",
                        string.Join(", ", host.AdminCidrs));
                }
                break;
        }
        if (sizing.Ram is null)
            f.Error(Of("host.ram"), host.Mode == HostMode.Hcloud
                ? $"the RAM of the server (server type {host.Hcloud.ServerType} is not one the stack knows)"
                : "the RAM of the dedicated server, such as 64g", "nothing");
    }
}
