using Origin.Plan;
using Origin.Settings;
using Origin.Values;
using Pulumi;
using HCloud = Pulumi.HCloud;
using Local = Pulumi.Command.Local;
using Remote = Pulumi.Command.Remote;

namespace Origin.Infra;

/// <summary>
/// The server and the SSH connections every later resource uses. hcloud mode creates a
/// dedicated-vCPU Hetzner Cloud server behind a cloud firewall; dedicated mode adopts an existing
/// server by address. In both, a probe checks the host runs host.release before any step (they
/// depend on this component, hence on its children) touches it: an hcloud server keeps the image it
/// was created with when the config's release changes (the image is ignored after creation).
/// </summary>
internal sealed class OriginHost : ComponentResource
{
    /// <summary>What every converge command dials: the host key pinned, a dial budget that outlasts a new server's boot.</summary>
    public Remote.Inputs.ConnectionArgs Connection { get; }

    /// <summary>The firewall confirm's: the same, with a dial budget that ends well inside the rollback window.</summary>
    public Remote.Inputs.ConnectionArgs ConfirmConnection { get; }

    /// <summary>The address SSH connects to: the IPv4 address when there is one.</summary>
    public Output<string> Address { get; }

    public Output<string>? Ipv4Address { get; }
    public Output<string>? Ipv6Address { get; }

    /// <summary>The host's incarnation (host.incarnation), which every host-bound resource carries.</summary>
    public HostIncarnation Incarnation { get; }

    /// <param name="userData">hcloud mode: the server's cloud-init user data, which installs the pinned host key (secret).</param>
    public OriginHost(string name, HostSettings host, InboundPolicy inbound, Output<string> sshPrivateKey, Output<string>? userData, ComponentResourceOptions? options = null)
        : base("origin:host:Host", name, options)
    {
        (Ipv4Address, Ipv6Address) = host.Mode == HostMode.Hcloud
            ? CreateServer(host.Hcloud, DebianRelease.For(host.Release), inbound, userData ?? throw new InvalidOperationException("hcloud mode needs the server's user data"))
            : Adopt(host.Dedicated.Address ?? throw new InvalidOperationException("host.dedicated.address is validated before the host is built"));
        Address = Ipv4Address ?? Ipv6Address!;
        var hostKey = host.Ssh.HostKey ?? throw new InvalidOperationException("host.ssh.hostKey is validated before the host is built");
        Connection = ConnectionOf(host.Ssh, hostKey, sshPrivateKey, DialBudget.Converge);
        ConfirmConnection = ConnectionOf(host.Ssh, hostKey, sshPrivateKey, DialBudget.Confirm);
        Incarnation = new HostIncarnation(new Local.Command($"{name}-incarnation", new Local.CommandArgs
        {
            // Nothing to run: a local command without create or delete does nothing
            // (provider/pkg/provider/local/commandController.go@v1.2.1); it is replaced when the number changes.
            Triggers = new Input<object>[] { host.Incarnation },
        }, new CustomResourceOptions { Parent = this }), host.Incarnation);
        var probe = DebianRelease.For(host.Release).ProbeCommand;
        _ = new Remote.Command($"{name}-debian-probe", new Remote.CommandArgs
        {
            Connection = Connection,
            Create = probe,
            // Read-only: a connection change (a rotated key) just checks again.
            Update = probe,
            Triggers = new Input<object>[] { host.Incarnation },
            AddPreviousOutputInEnv = false,
            Logging = Remote.Logging.StdoutAndStderr,
        }, Incarnation.Options(this));
        RegisterOutputs(new Dictionary<string, object?> { ["address"] = Address });
    }

    /// <summary>
    /// HostKey: the provider then checks the server's key with ssh.FixedHostKey and offers only its
    /// algorithm, during the handshake, before authentication and before any command or stdin is sent;
    /// unset, it takes any key (ssh.InsecureIgnoreHostKey). A mismatch fails the dial, which is retried
    /// like any other (pulumi/pulumi-command provider/pkg/provider/remote/connection.go@v1.2.1,
    /// SSHConfig and Dial). DialErrorLimit and PerDialTimeout: see <see cref="DialBudget"/>.
    /// </summary>
    private Remote.Inputs.ConnectionArgs ConnectionOf(SshSettings ssh, SshPublicKey hostKey, Output<string> privateKey, DialBudget budget) => new()
    {
        Host = Address,
        User = ssh.User.Value,
        Port = ssh.Port,
        PrivateKey = privateKey,
        HostKey = hostKey.Value,
        DialErrorLimit = budget.DialErrorLimit,
        PerDialTimeout = budget.PerDialTimeoutSeconds,
    };

    private static (Output<string>? Ipv4, Output<string>? Ipv6) Adopt(IpAddressValue address) =>
        address.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? (null, Output.Create(address.ToString()))
            : (Output.Create(address.ToString()), null);

    private (Output<string>? Ipv4, Output<string>? Ipv6) CreateServer(HcloudHostSettings hcloud, DebianRelease release, InboundPolicy inbound, Output<string> userData)
    {
        var name = hcloud.Name.Value;
        var child = new CustomResourceOptions { Parent = this };
        // Hetzner keeps key names unique in a project, and a new public_key replaces the key
        // (RequiresReplace: hetznercloud/terraform-provider-hcloud internal/sshkey/resource.go@v1.66.1,
        // the version pulumi/pulumi-hcloud v1.39.1 bridges), creating the new one before deleting the
        // old: a name of its own per key lets both exist for that moment. The resource is named by the key
        // too, never by its place in the list: removing or reordering keys then deletes or keeps each key
        // whole, where a name by position would replace a key in place with its neighbour, which Hetzner
        // refuses while the neighbour's own resource still holds that name and fingerprint. The alias is the
        // name by position stacks had before: the engine looks a resource up by its URN first, and only
        // then by its aliases (pkg/resource/deploy/step_generator.go@v3.174.0, generateSteps), so it only
        // carries such a stack's keys over once.
        var keys = hcloud.SshPublicKeys.Select((key, i) => new HCloud.SshKey($"{name}-key-{key.Digest[..12]}", new HCloud.SshKeyArgs
        {
            Name = $"{name}-{key.Digest[..12]}",
            PublicKey = key.Value,
        }, new CustomResourceOptions { Parent = this, Aliases = { new Alias { Name = $"{name}-key-{i}" } } })).ToList();
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
            // Secret: it holds the host's private key. The provider keeps only its hash
            // (user_data StateFunc, internal/server/resource.go@v1.66.1); Pulumi's state keeps the input.
            UserData = userData,
            // Attached at creation, so the server is never reachable without it.
            FirewallIds = { firewall.Id.Apply(int.Parse) },
            PublicNets = { new HCloud.Inputs.ServerPublicNetArgs { Ipv4Enabled = true, Ipv6Enabled = true } },
            DeleteProtection = true,
            RebuildProtection = true,
            // A changed server_type powers the server off (a Poweroff, not a shutdown) and changes its type,
            // growing the disk unless keep_disk, for good: no smaller type fits it afterwards
            // (hetznercloud/terraform-provider-hcloud internal/server/resource.go@v1.66.1, update of
            // server_type: Poweroff, then ChangeType with UpgradeDisk: !keep_disk). Keep the disk, so a
            // change of type can be undone.
            KeepDisk = true,
        }, new CustomResourceOptions
        {
            Parent = this,
            Protect = true,
            // All three apply only when a server is created, and the provider replaces the server when
            // they change (user_data is ForceNew, internal/server/resource.go@v1.66.1): a new key or a
            // newer image must not wipe the origin. Rebuild it deliberately instead (docs/disaster-rebuild.md).
            IgnoreChanges = { "image", "sshKeys", "userData" },
        });
        return (server.Ipv4Address, server.Ipv6Address);
    }
}
