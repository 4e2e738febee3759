using System.Net;
using System.Net.Sockets;
using Origin.Settings;
using Origin.Values;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

/// <summary>
/// What the config may not hand to the services: root for the processes that handle viewers'
/// requests and input, environment that changes what code they load, and a server address the
/// edge and the deployer cannot reach.
/// </summary>
internal static class PrivilegeRules
{
    /// <summary>
    /// Variables that choose which code a program loads or runs, or which files it trusts for it.
    /// The exact names are the ones glibc's dynamic loader removes for setuid programs
    /// (sysdeps/generic/unsecvars.h, glibc 2.36), plus the ones that do the same for the shells,
    /// Python, gunicorn, OpenSSL and the lookup of every program the API and FFmpeg start.
    /// </summary>
    private static readonly HashSet<string> LoaderVariables = new(StringComparer.Ordinal)
    {
        // glibc's unsecvars.h: loader audit/preload/paths, gconv modules, locale and message catalogs,
        // resolver and hosts overrides, tunables, temp and time-zone directories.
        "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "NIS_PATH",
        "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR",
        // Where every exec without a slash looks: the API starts ffmpeg by name.
        "PATH",
        // Files bash and sh source before running a script (bash(1) INVOCATION, sh(1p) ENV).
        "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS",
        // Appended to gunicorn's command line: another --bind, --config or app.
        "GUNICORN_CMD_ARGS",
    };

    /// <summary>Whole families: every LD_* is the loader's, PYTHON* the interpreter's (PYTHONPATH, PYTHONSTARTUP,
    /// PYTHONBREAKPOINT run code), MALLOC_* glibc's allocator tunables, OPENSSL_* loads modules and engines,
    /// BASH_FUNC_* defines shell functions.</summary>
    private static readonly string[] LoaderPrefixes = ["LD_", "PYTHON", "MALLOC_", "OPENSSL_", "BASH_FUNC_"];

    public static bool ChangesLoading(EnvName name) =>
        LoaderVariables.Contains(name.Value) || LoaderPrefixes.Any(p => name.Value.StartsWith(p, StringComparison.Ordinal));

    public static void Check(OriginSettings s, Findings f)
    {
        // UnixName refuses all-digit names, so a numeric uid 0 never reaches here; another name for
        // uid 0 only exists on the host, where the packages step refuses it (files/packages/apply.sh).
        foreach (var (key, user) in new[] { ("nginx.user", s.Nginx.User), ("stream.user", s.Stream.User) })
            if (user.Value == "root")
                f.Error(Of(key), key == "nginx.user"
                    ? "an unprivileged user for nginx's workers, which parse every request from the internet (www-data)"
                    : "an unprivileged user for the API and FFmpeg, which parse viewers' requests and untrusted media (streamapi)",
                    Findings.Show(user.Value));

        foreach (var name in s.Stream.Environment.Keys.Where(ChangesLoading))
            f.Error(Of($"stream.environment.{name}"),
                "a variable that does not change what code the API and FFmpeg load (LD_*, PATH, PYTHON*, GCONV_PATH, MALLOC_* and the like are refused)",
                Findings.Show(name.Value));

        if (s.Host.Mode == HostMode.Dedicated && s.Host.Dedicated.Address is { } address && NotPublic(address.Address) is { } why)
            f.Error(Of("host.dedicated.address"), $"a public address, which Cloudflare's edge (the proxied DNS record) and the deploy's SSH both connect to; not {why}",
                Findings.Show(address.ToString()));
    }

    private static readonly (Cidr Range, string What)[] NonPublic =
    [
        (Cidr.Parse("0.0.0.0/8"), "an address of \"this network\" (RFC 1122), 0.0.0.0 among them"),
        (Cidr.Parse("127.0.0.0/8"), "a loopback address (RFC 1122)"),
        (Cidr.Parse("169.254.0.0/16"), "a link-local address (RFC 3927)"),
        (Cidr.Parse("224.0.0.0/4"), "a multicast address (RFC 5771)"),
        (Cidr.Parse("240.0.0.0/4"), "a reserved or the broadcast address (RFC 1112, RFC 919)"),
        // Private ranges: reachable from the deployer over a VPN perhaps, never from Cloudflare's edge,
        // and the one address serves both (components/Edge/EdgeZone.cs points the record at it).
        (Cidr.Parse("10.0.0.0/8"), "a private address (RFC 1918), which the edge cannot reach"),
        (Cidr.Parse("172.16.0.0/12"), "a private address (RFC 1918), which the edge cannot reach"),
        (Cidr.Parse("192.168.0.0/16"), "a private address (RFC 1918), which the edge cannot reach"),
        (Cidr.Parse("100.64.0.0/10"), "a shared carrier-grade NAT address (RFC 6598), which the edge cannot reach"),
        (Cidr.Parse("::/128"), "the unspecified address (RFC 4291)"),
        (Cidr.Parse("::1/128"), "the loopback address (RFC 4291)"),
        (Cidr.Parse("fe80::/10"), "a link-local address (RFC 4291)"),
        (Cidr.Parse("ff00::/8"), "a multicast address (RFC 4291)"),
        (Cidr.Parse("fc00::/7"), "a unique local address (RFC 4193), which the edge cannot reach"),
    ];

    /// <summary>Why the address cannot be a server's public address, or null when it can.</summary>
    public static string? NotPublic(IPAddress address) => address.IsIPv4MappedToIPv6
        ? "an IPv4-mapped address (RFC 4291 section 2.5.5.2): write the IPv4 address itself"
        : NonPublic.Where(n => n.Range.IsIPv6 == (address.AddressFamily == AddressFamily.InterNetworkV6))
            .FirstOrDefault(n => n.Range.Contains(address)).What;
}
