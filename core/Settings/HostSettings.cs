using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

public enum HostMode
{
    /// <summary>A new Hetzner Cloud server with dedicated vCPUs, created by the stack.</summary>
    Hcloud,
    /// <summary>An existing dedicated (Robot) server, adopted by address.</summary>
    Dedicated,
}

/// <summary>The Debian release the host runs; what the plan does differently per release is in Plan/DebianRelease.cs.</summary>
public enum DebianVersion
{
    [ConfigName("12")] Debian12,
    [ConfigName("13")] Debian13,
}

public sealed record HostSettings
{
    [Doc("hcloud: the stack creates a Hetzner Cloud dedicated-vCPU server; dedicated: it adopts an existing Robot server by address.")]
    public HostMode Mode { get; init; } = HostMode.Hcloud;

    [Doc("Debian release of the host: 13 (trixie) for a new origin, 12 (bookworm, in LTS) for one installed with it. The plan renders for this release and every converge first checks the host runs it, so a preview never depends on the host. Moving a host from 13 back to 12 is one-way for Redis: Redis 8.0 data cannot be read by 7.0.")]
    public DebianVersion Release { get; init; } = DebianVersion.Debian13;

    [Doc("The host's incarnation: raise it by one when the stack's host is a new one (a rebuilt or replaced server, a reinstall, another server at the address). Every converge command is then made again on the host the config names, and no delete of the old host's commands runs (docs/disaster-rebuild.md, section 5).")]
    [Range(1, 1_000_000)]
    public int Incarnation { get; init; } = 1;

    [Doc("Size limit of /tmp, a tmpfs on Debian 13 (Debian's default is half the RAM): the plan sets it and counts it in the RAM budget. Unused on Debian 12, where /tmp is on disk.")]
    public ByteSize TmpSize { get; init; } = ByteSize.FromGiB(1);

    [Doc("Settings used when mode is hcloud.")]
    public HcloudHostSettings Hcloud { get; init; } = new();

    [Doc("Settings used when mode is dedicated.")]
    public DedicatedHostSettings Dedicated { get; init; } = new();

    [Doc("SSH login used for every converge step. The private key is the secret origin:sshPrivateKey.")]
    public SshSettings Ssh { get; init; } = new();

    [Doc("Networks allowed to reach SSH and the exporters. Required: the host firewall drops everything else.")]
    [Count(1, 32)]
    public IReadOnlyList<Cidr> AdminCidrs { get; init; } = [];

    [Doc("Installed RAM. Bounds the HLS tmpfs and Redis. Defaults to the RAM of the hcloud server type; required for dedicated hosts.")]
    public ByteSize? Ram { get; init; }

    [Doc("Speed of the public network port, in Mbit/s, for the egress capacity check.")]
    [Range(100, 100_000)]
    public int NicMbps { get; init; } = 1000;
}

public sealed record HcloudHostSettings
{
    [Doc("Server name in Hetzner Cloud.")]
    public Slug Name { get; init; } = new("hls-origin");

    [Doc("Server type. Only dedicated-vCPU types (ccx*) are accepted: shared vCPUs steal time from nginx under load.")]
    public Slug ServerType { get; init; } = new("ccx23");

    [Doc("Hetzner Cloud location (fsn1, nbg1, hel1, ash, hil, sin).")]
    public Slug Location { get; init; } = new("fsn1");

    [Doc("OS image. Defaults to Hetzner's image of host.release (debian-13); another release's image is refused. Only read when the server is created.")]
    public Slug? Image { get; init; }

    [Doc("OpenSSH public keys installed for root at creation.")]
    [Count(1, 10)]
    public IReadOnlyList<SshPublicKey> SshPublicKeys { get; init; } = [];
}

public sealed record DedicatedHostSettings
{
    [Doc("Public address of the existing server (required in dedicated mode). Loopback, private, link-local, multicast and other addresses Cloudflare cannot reach are refused.")]
    public IpAddressValue? Address { get; init; }
}

public sealed record SshSettings
{
    [Doc("SSH user. Only root is accepted: the converge scripts run without sudo and stage files under /var/lib/origin-stack; root is what Hetzner installs.")]
    public UnixName User { get; init; } = new("root");

    [Doc("SSH port.")]
    [Range(1, 65535)]
    public int Port { get; init; } = 22;

    [Doc("The host's SSH public key, which every connection pins (required): a wrong key fails the converge before anything is sent. " +
        "hcloud: the public half of the secret origin:sshHostPrivateKey (ssh-ed25519), installed at creation. " +
        "dedicated: the server's /etc/ssh/ssh_host_ed25519_key.pub, read with ssh-keyscan -t ed25519 <address> and compared out of band (docs/deploy.md).")]
    public SshPublicKey? HostKey { get; init; }
}
