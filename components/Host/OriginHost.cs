using Origin.Plan;
using Origin.Settings;
using Origin.Values;
using Pulumi;
using HCloud = Pulumi.HCloud;
using Remote = Pulumi.Command.Remote;

namespace Origin.Infra;

/// <summary>
/// The server and the one SSH connection every later resource uses. hcloud mode creates a
/// dedicated-vCPU Hetzner Cloud server behind a cloud firewall; dedicated mode adopts an existing
/// server by address. In both, a probe checks the host runs host.release before any step (they
/// depend on this component, hence on its children) touches it: an hcloud server keeps the image it
/// was created with when the config's release changes (the image is ignored after creation).
/// </summary>
internal sealed class OriginHost : ComponentResource
{
    public Remote.Inputs.ConnectionArgs Connection { get; }

    /// <summary>The address SSH connects to: the IPv4 address when there is one.</summary>
    public Output<string> Address { get; }

    public Output<string>? Ipv4Address { get; }
    public Output<string>? Ipv6Address { get; }

    public OriginHost(string name, HostSettings host, InboundPolicy inbound, Output<string> sshPrivateKey, ComponentResourceOptions? options = null)
        : base("origin:host:Host", name, options)
    {
        (Ipv4Address, Ipv6Address) = host.Mode == HostMode.Hcloud
            ? CreateServer(host.Hcloud, DebianRelease.For(host.Release), inbound)
            : Adopt(host.Dedicated.Address ?? throw new InvalidOperationException("host.dedicated.address is validated before the host is built"));
        Address = Ipv4Address ?? Ipv6Address!;
        Connection = new Remote.Inputs.ConnectionArgs
        {
            Host = Address,
            User = host.Ssh.User.Value,
            Port = host.Ssh.Port,
            PrivateKey = sshPrivateKey,
        };
        _ = new Remote.Command($"{name}-debian-probe", new Remote.CommandArgs
        {
            Connection = Connection,
            Create = DebianRelease.For(host.Release).ProbeCommand,
            AddPreviousOutputInEnv = false,
            Logging = Remote.Logging.StdoutAndStderr,
        }, new CustomResourceOptions { Parent = this });
        RegisterOutputs(new Dictionary<string, object?> { ["address"] = Address });
    }

    private static (Output<string>? Ipv4, Output<string>? Ipv6) Adopt(IpAddressValue address) =>
        address.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? (null, Output.Create(address.ToString()))
            : (Output.Create(address.ToString()), null);

    private (Output<string>? Ipv4, Output<string>? Ipv6) CreateServer(HcloudHostSettings hcloud, DebianRelease release, InboundPolicy inbound)
    {
        var name = hcloud.Name.Value;
        var child = new CustomResourceOptions { Parent = this };
        var keys = hcloud.SshPublicKeys.Select((key, i) => new HCloud.SshKey($"{name}-key-{i}", new HCloud.SshKeyArgs
        {
            Name = $"{name}-{i}",
            PublicKey = key.Value,
        }, child)).ToList();
        var firewall = new HCloud.Firewall(name, new HCloud.FirewallArgs
        {
            Name = name,
            Rules = CloudFirewall.Rules(inbound).ToList(),
        }, child);
        var server = new HCloud.Server(name, new HCloud.ServerArgs
        {
            Name = name,
            ServerType = hcloud.ServerType.Value,
            Location = hcloud.Location.Value,
            Image = hcloud.Image?.Value ?? release.HcloudImage,
            SshKeys = keys.Select(k => k.Id).ToList(),
            // Attached at creation, so the server is never reachable without it.
            FirewallIds = { firewall.Id.Apply(int.Parse) },
            PublicNets = { new HCloud.Inputs.ServerPublicNetArgs { Ipv4Enabled = true, Ipv6Enabled = true } },
            DeleteProtection = true,
            RebuildProtection = true,
        }, new CustomResourceOptions
        {
            Parent = this,
            Protect = true,
            // Both apply only when a server is created, and the provider replaces the server when they
            // change: a new key or a newer image must not wipe the origin. Rebuild it deliberately instead.
            IgnoreChanges = { "image", "sshKeys" },
        });
        return (server.Ipv4Address, server.Ipv6Address);
    }
}
