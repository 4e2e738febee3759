using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan;

/// <summary>
/// What the host plan does differently on each Debian release it supports, in one place. Everything
/// else renders the same on both: where the releases' tools disagree on a format, the plan uses one
/// both read and print the same way (openssl's <c>-nameopt RFC2253</c> subjects, the exporters'
/// double-dash flags, sandboxing directives both systemd versions enforce), so no script branches on
/// the release. The real-tool checks and the container converges run each release's own programs.
/// </summary>
/// <param name="Number">VERSION_ID in /etc/os-release.</param>
/// <param name="Codename">The suite name on Debian's mirrors.</param>
/// <param name="Systemd">The systemd major version the release ships, which scores the units.</param>
/// <param name="Redis">The Redis version the release ships: 8.0 writes RDB and AOF files 7.0 cannot load.</param>
/// <param name="TmpIsTmpfs">Whether /tmp is a tmpfs (systemd's tmp.mount): then it takes RAM, so the plan bounds it and counts it.</param>
public sealed record DebianRelease(DebianVersion Version, int Number, string Codename, int Systemd, string Redis, bool TmpIsTmpfs)
{
    // https://www.debian.org/releases/bookworm/ : systemd 252, redis 7.0.15; /tmp on the root filesystem.
    public static readonly DebianRelease Bookworm = new(DebianVersion.Debian12, 12, "bookworm", 252, "7.0", TmpIsTmpfs: false);

    // https://www.debian.org/releases/trixie/release-notes/issues.html ("The temporary-files directory
    // /tmp is now stored in a tmpfs"): systemd 257, redis 8.0.
    public static readonly DebianRelease Trixie = new(DebianVersion.Debian13, 13, "trixie", 257, "8.0", TmpIsTmpfs: true);

    public static IReadOnlyList<DebianRelease> All { get; } = [Bookworm, Trixie];

    public static DebianRelease For(DebianVersion version) => All.Single(r => r.Version == version);

    /// <summary>Hetzner Cloud's image of the release (GET /v1/images?type=system lists debian-12, debian-13).</summary>
    public string HcloudImage => $"debian-{Number}";

    /// <summary>
    /// Refuses a host that does not run this release, before any step changes it (every step depends
    /// on it); prints the host's name otherwise. The plan follows the config, never the host, so a
    /// preview renders the same files whatever the host runs; a mismatch stops the <c>up</c> here.
    /// </summary>
    public string ProbeCommand =>
        $". /etc/os-release && [ \"$ID\" = debian ] && [ \"$VERSION_ID\" = {Number} ] && echo \"$PRETTY_NAME\" " +
        $"|| {{ echo {Sh.Quote($"host.release is {Number} ({Codename}); this host runs ")}\"${{PRETTY_NAME:-an unknown system}}\" >&2; exit 1; }}";
}
