using System.Net;
using System.Net.Sockets;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// The rendered prod files on each Debian release, checked by that release's programs, which will
/// read them (<see cref="ReleaseTools"/>): nginx -t, a real redis-server on loopback, systemd-analyze
/// verify and security, nft -c, systemd-tmpfiles; and bash -n, shellcheck and the running kernel for
/// every sysctl key. Only paths and ports are relocated, never content.
/// </summary>
public class RealToolTests
{
    /// <summary>The prod stack rendered for RELEASE (12 is prod as committed).</summary>
    private static HostPlan PlanFor(int release, params string[] changes) => Stacks.ProdPlan([$"host.release={release}", .. changes]);

    private static HostFile File(HostPlan plan, string path) => plan.Files.Single(f => f.Path == path);

    /// <summary>The prod stack, and the variants that render optional parts of nginx.conf, on each release.</summary>
    public static IEnumerable<object[]> NginxVariants() =>
        from release in DebianRelease.All
        from changes in new[] { Array.Empty<string>(), ["nginx.apiPrefix=null", "hls.channelIdCharset=alphanumeric"] }
        select new object[] { release.Number, changes };

    [Theory]
    [MemberData(nameof(NginxVariants))]
    public void Nginx_accepts_the_rendered_config(int release, string[] changes)
    {
        using var nginx = new RenderedNginx(release, PlanFor(release, changes));
        var result = nginx.Test();
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("test is successful", result.Output);
        Assert.DoesNotContain("[warn]", result.Output);
    }

    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void Redis_runs_the_rendered_config_on_loopback_with_the_configured_settings(int release)
    {
        var tools = ReleaseTools.For(release);
        var plan = PlanFor(release);
        using var root = new TempDir();
        var port = FreePort();
        const string password = "test-password-0123456789";
        var relocate = Relocation.Under(root.Path, "/etc/redis", "/run/redis", "/var/lib/redis");
        var conf = relocate.Text(File(plan, "/etc/redis/redis.conf").Content).Replace("\nport 6379\n", $"\nport {port}\n");
        root.Write(("/etc/redis/origin-secret.conf"), $"requirepass {password}\n");
        var confPath = root.Write(("/etc/redis/redis.conf"), conf);
        Directory.CreateDirectory(root["/var/lib/redis"]);
        Directory.CreateDirectory(root["/run/redis"]);

        using var server = tools.Start(root, "redis-server", confPath);
        try
        {
            string Cli(bool auth, params string[] args)
            {
                var env = auth ? new Dictionary<string, string> { ["REDISCLI_AUTH"] = password } : null;
                return Tool.Run("redis-cli", ["-h", "127.0.0.1", "-p", port.ToString(), "--no-auth-warning", .. args], env).Output;
            }
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Cli(true, "ping").Trim() != "PONG")
            {
                Assert.True(DateTime.UtcNow < deadline && !server.HasExited, $"redis-server of Debian {release} did not start with the rendered config");
                Thread.Sleep(200);
            }
            // CONFIG GET answers the name on one line and the value on the next.
            string Get(string key) => Cli(true, "config", "get", key).Split('\n')[1];
            Assert.Equal("noeviction", Get("maxmemory-policy"));
            Assert.Equal((256L << 20).ToString(), Get("maxmemory"));
            Assert.Equal("yes", Get("appendonly"));
            Assert.Equal("everysec", Get("appendfsync"));
            Assert.Equal("127.0.0.1 -::1", Get("bind"));
            Assert.Equal("yes", Get("protected-mode"));
            Assert.Equal("300", Get("timeout"));
            Assert.Equal("", Get("save"));
            Assert.Contains("NOAUTH", Cli(false, "ping"));
        }
        finally
        {
            ReleaseTools.Stop(server);
        }
    }

    /// <summary>
    /// systemd 252 (Debian 12) only warns about a setting or value it does not know and drops it, so a
    /// unit written for 257 silently loses that protection there: each release's systemd (the version
    /// the release ships, checked here) must load every unit without a word; the next tests score them.
    /// </summary>
    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void Systemd_of_each_release_accepts_every_rendered_unit(int release)
    {
        var tools = ReleaseTools.For(release);
        var plan = PlanFor(release);
        using var root = new TempDir();
        var unitDir = root["units"];
        // The nginx unit points at the build's binary; the same program is Debian's /usr/sbin/nginx here.
        var relocate = new Relocation([("/opt/nginx/sbin/nginx", "/usr/sbin/nginx")]);
        var units = plan.Files.Where(f => f.Path.StartsWith("/etc/systemd/system/", StringComparison.Ordinal)).ToList();
        Assert.True(units.Count >= 8);
        foreach (var unit in units)
            root.Write(Path.Combine("units", unit.Path["/etc/systemd/system/".Length..]), relocate.Text(unit.Content));

        var env = new Dictionary<string, string> { ["SYSTEMD_UNIT_PATH"] = unitDir + ":" };
        var names = units.Select(u => u.Path["/etc/systemd/system/".Length..]).Select(p => p.Contains(".d/") ? p[..p.IndexOf(".d/")] : p).Distinct();
        foreach (var name in names)
        {
            var result = tools.Run(root, "systemd-analyze", ["verify", "--man=no", "--generators=no", name], env);
            Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0, $"systemd of Debian {release}, {name}:\n{result.Output}");
        }
        Assert.StartsWith($"systemd {tools.Release.Systemd} ", tools.Run(root, "systemd-analyze", ["--version"], new Dictionary<string, string> { ["SYSTEMD_COLORS"] = "0" }).Stdout);
    }

    private const string UnitDir = "/etc/systemd/system/";

    /// <summary>Every service a plan renders a unit or a drop-in for, by name.</summary>
    private static IEnumerable<string> ServicesOf(HostPlan plan) =>
        plan.Files.Select(f => f.Path).Where(p => p.StartsWith(UnitDir, StringComparison.Ordinal))
            .Select(p => p[UnitDir.Length..].Split('/')[0])
            .Select(n => n.EndsWith(".service.d", StringComparison.Ordinal) ? n[..^2] : n)
            .Where(n => n.EndsWith(".service", StringComparison.Ordinal)).Distinct();

    /// <summary>Every such service of each release's plan.</summary>
    public static IEnumerable<object[]> Services() =>
        from release in DebianRelease.All
        from service in ServicesOf(PlanFor(release.Number))
        select new object[] { release.Number, service };

    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void The_scored_services_include_every_packaged_unit_the_plan_overrides(int release)
    {
        Assert.Equal(["nginx.service", "origin-firewall.service", "origin-hls-cleanup.service", "origin-hls-metrics.service",
            "prometheus-nginx-exporter.service", "prometheus-node-exporter.service", "prometheus-redis-exporter.service", "prometheus.service",
            "redis-server.service", "stream-api.service"], ServicesOf(PlanFor(release)).Order());
    }

    /// <summary>
    /// systemd-analyze security scores the service as the release's systemd would run it: the stack's
    /// unit, or that release's Debian package's unit (installed here, or in the Debian 13 tools rootfs,
    /// from the same packages) with the stack's drop-ins, in a root of their own. Each release's
    /// systemd scores it (252 on Debian 12, 257 on Debian 13); 2.5 is the most the issue allows.
    /// https://www.freedesktop.org/software/systemd/man/252/systemd-analyze.html (security, --offline, --root, --threshold)
    /// </summary>
    [Theory]
    [MemberData(nameof(Services))]
    public void Every_service_is_sandboxed_to_an_exposure_of_at_most_2_5(int release, string service)
    {
        var tools = ReleaseTools.For(release);
        var plan = PlanFor(release);
        using var root = new TempDir();
        foreach (var f in plan.Files.Where(f => f.Path.StartsWith(UnitDir + service, StringComparison.Ordinal)))
            root.Write(f.Path, f.Content);
        if (!plan.Files.Any(f => f.Path == UnitDir + service))
        {
            var packaged = "/usr/lib/systemd/system/" + service;
            Assert.True(tools.HasFile(packaged), $"{service}: the package's unit is not installed for Debian {release} ({packaged}); tests/setup and the tools rootfs install it");
            root.Write(packaged, tools.ReadFile(packaged));
        }
        // In the container systemd-analyze runs as PID 1, which systemd takes to write to the console: it
        // colours and links its table whatever stdout is (systemd v257 src/basic/terminal-util.c,
        // get_color_mode). Plain text on both releases keeps the score parseable.
        var plain = new Dictionary<string, string> { ["SYSTEMD_COLORS"] = "0", ["SYSTEMD_URLIFY"] = "0" };
        var result = tools.Run(root, "systemd-analyze", ["security", "--offline=yes", $"--root={root.Path}", "--threshold=25", "--no-pager", service], plain);
        var score = System.Text.RegularExpressions.Regex.Match(result.Output, @"Overall exposure level for \S+: (\d+\.\d)").Groups[1].Value;
        Assert.True(score.Length > 0, $"systemd of Debian {release}, {service}: no score\n{result.Output}");
        Assert.True(result.ExitCode == 0 && decimal.Parse(score, System.Globalization.CultureInfo.InvariantCulture) <= 2.5m,
            $"systemd of Debian {release}: {service} is exposed at {score}, above 2.5:\n{result.Output}");
    }

    [Fact]
    public void Every_sysctl_key_exists_in_the_running_kernel()
    {
        var settings = Stacks.Valid();
        foreach (var key in settings.Kernel.Sysctl.Keys)
            Assert.True(System.IO.File.Exists(key.ProcPath), $"{key} is not a sysctl of this kernel ({key.ProcPath})");
    }

    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void Nft_accepts_the_firewall_ruleset(int release)
    {
        var tools = ReleaseTools.For(release);
        using var root = new TempDir();
        var ruleset = root.Write("firewall.nft", File(PlanFor(release), "/etc/origin-stack/firewall.nft").Content);
        var result = tools.Run(root, "nft", ["-c", "-f", ruleset]);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    /// <summary>
    /// A ping flood that uses up the ICMP limit must not take IPv6 neighbour and router discovery with it (RFC 4890
    /// section 4.4.1): the ruleset, loaded by each release's nft into a network namespace of its own (never the
    /// machine's), is read back as the kernel holds it (nft -j), and the first rule of the input chain that matches
    /// each discovery message accepts it with no limit.
    /// </summary>
    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void Neighbour_discovery_is_accepted_before_any_icmp_limit(int release)
    {
        var tools = ReleaseTools.For(release);
        using var root = new TempDir();
        var ruleset = root.Write("firewall.nft", File(PlanFor(release), "/etc/origin-stack/firewall.nft").Content);
        var listed = tools.Run(root, "unshare", ["--net", "bash", "-c", $"nft -f {ruleset} && nft -j list chain inet origin_filter input"]);
        Assert.True(listed.ExitCode == 0, listed.Output);
        var rules = System.Text.Json.JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _)).Select(e => e.GetProperty("rule").GetProperty("expr").GetRawText()).ToList();
        foreach (var type in new[] { "nd-router-solicit", "nd-router-advert", "nd-neighbor-solicit", "nd-neighbor-advert" })
        {
            // A rule matches the message if it matches its ICMPv6 type, or all of ICMPv6.
            var first = rules.FindIndex(r => r.Contains($"\"{type}\"", StringComparison.Ordinal) || r.Contains("\"ipv6-icmp\"", StringComparison.Ordinal));
            Assert.True(first >= 0, $"no rule for {type}");
            Assert.True(rules[first].Contains("\"accept\"", StringComparison.Ordinal) && !rules[first].Contains("\"limit\"", StringComparison.Ordinal),
                $"Debian {release}: the first rule for {type} is not an accept without a limit: {rules[first]}");
            Assert.DoesNotContain(rules.Take(first), r => r.Contains("\"limit\"", StringComparison.Ordinal) || r.Contains("\"drop\"", StringComparison.Ordinal) && !r.Contains("\"invalid\"", StringComparison.Ordinal));
        }
    }

    /// <summary>Every script of the Debian 12 bundle, and those the Debian 13 bundle renders differently.</summary>
    public static IEnumerable<object[]> Scripts()
    {
        var bookworm = PlanBundle.Files(PlanFor(12));
        var trixie = PlanBundle.Files(PlanFor(13));
        bool Script(string path) => path.EndsWith(".sh", StringComparison.Ordinal);
        return bookworm.Keys.Where(Script).Select(k => new object[] { 12, k })
            .Concat(trixie.Where(kv => Script(kv.Key) && (!bookworm.TryGetValue(kv.Key, out var b) || b != kv.Value)).Select(kv => new object[] { 13, kv.Key }));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_script_parses_and_passes_shellcheck(int release, string bundlePath)
    {
        using var root = new TempDir();
        // A step script sources the lib.sh staged beside it; lay the step's directory out as on the host.
        var bundle = PlanBundle.Files(PlanFor(release));
        var dir = Path.GetDirectoryName(bundlePath)!;
        foreach (var (path, content) in bundle.Where(kv => Path.GetDirectoryName(kv.Key) == dir && kv.Key.EndsWith(".sh", StringComparison.Ordinal)))
            root.Write(path, content);
        root.Write(Path.Combine(dir, "lib.sh"), bundle[PlanBundle.LibraryPath]);
        var script = root[bundlePath];
        var syntax = Tool.Run("bash", ["-n", script]);
        Assert.True(syntax.ExitCode == 0, $"{bundlePath}: {syntax.Output}");
        var lint = Tool.Run("shellcheck", ["--shell=bash", "--severity=warning", "--external-sources", "--source-path=SCRIPTDIR", script]);
        Assert.True(lint.ExitCode == 0, $"{bundlePath}:\n{lint.Output}");
    }

    [Theory]
    [MemberData(nameof(InjectionTests.HostileValues), MemberType = typeof(InjectionTests))]
    public void Shell_quoting_round_trips_through_bash(string hostile)
    {
        if (hostile.Contains('\0')) return; // no argument can carry NUL; validation refuses it anyway
        var echoed = Tool.Run("bash", ["-c", $"printf %s {Rendering.Sh.Quote(hostile)}"]);
        Assert.Equal(hostile, echoed.Stdout);
    }

    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void Cleanup_removes_files_by_modification_time_only(int release)
    {
        var tools = ReleaseTools.For(release);
        using var root = new TempDir();
        var hls = root["hls"];
        Directory.CreateDirectory(hls);
        var relocate = new Relocation([("/var/www/hls", hls)]);
        var conf = relocate.Text(File(PlanFor(release), "/etc/tmpfiles.d/origin-hls.conf").Content).Replace(" streamapi streamapi ", " root root ");
        var confPath = root.Write("origin-hls.conf", conf);
        var stale = Path.Combine(hls, "stream_1_100.ts");
        var fresh = Path.Combine(hls, "stream_2_200.ts");
        System.IO.File.WriteAllText(stale, "old");
        System.IO.File.WriteAllText(fresh, "new");
        System.IO.File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddMinutes(-10));
        // A viewer read the stale segment just now: its atime is fresh, and it must still go.
        System.IO.File.SetLastAccessTimeUtc(stale, DateTime.UtcNow);

        var clean = tools.Run(root, "systemd-tmpfiles", ["--clean", confPath]);
        Assert.True(clean.ExitCode == 0, clean.Output);
        Assert.False(System.IO.File.Exists(stale), "a file untouched for longer than the cleanup age survived");
        Assert.True(System.IO.File.Exists(fresh), "a fresh file was removed");
    }

    /// <summary>
    /// The tls step keeps its certificate request while the request's subject is the one it would write.
    /// OpenSSL 3.0 (Debian 12) prints a subject as "CN = x" and 3.5 (Debian 13) as "CN=x", so the
    /// comparison asks both for RFC 2253, which they print alike; each release's openssl is held to the
    /// exact line the rendered script compares with.
    /// </summary>
    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void The_tls_step_recognises_its_own_request_with_each_releases_openssl(int release)
    {
        var tools = ReleaseTools.For(release);
        var script = PlanFor(release)["tls"].ApplyScript;
        var expected = System.Text.RegularExpressions.Regex.Match(script, @"-nameopt RFC2253\) == '([^']+)'").Groups[1].Value;
        Assert.Equal("subject=CN=live.example.com", expected);
        using var root = new TempDir();
        var key = root["origin.key"];
        var csr = root["origin.csr"];
        Assert.Equal(0, tools.Run(root, "openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]).ExitCode);
        Assert.Equal(0, tools.Run(root, "openssl", ["req", "-new", "-key", key, "-subj", "/CN=live.example.com", "-addext", "subjectAltName=DNS:live.example.com", "-out", csr]).ExitCode);
        Assert.Equal(expected, tools.Run(root, "openssl", ["req", "-in", csr, "-noout", "-subject", "-nameopt", "RFC2253"]).Stdout.Trim());
        // What the step compared before: the release's default form, which differs between the two.
        var defaultForm = tools.Run(root, "openssl", ["req", "-in", csr, "-noout", "-subject"]).Stdout.Trim();
        Assert.Equal(release == 12 ? "subject=CN = live.example.com" : "subject=CN=live.example.com", defaultForm);
    }

    /// <summary>The probe that starts every converge passes on a host of its release and stops on the other one, saying why.</summary>
    [Theory]
    [MemberData(nameof(ReleaseTools.Releases), MemberType = typeof(ReleaseTools))]
    public void The_release_probe_passes_on_its_release_only(int release)
    {
        var tools = ReleaseTools.For(release);
        using var root = new TempDir();
        foreach (var other in DebianRelease.All)
        {
            var result = tools.Run(root, "bash", ["-c", other.ProbeCommand]);
            if (other.Number == release)
                Assert.True(result.ExitCode == 0 && result.Stdout.StartsWith($"Debian GNU/Linux {release} ({other.Codename})", StringComparison.Ordinal), result.Output);
            else
                Assert.True(result.ExitCode == 1 && result.Stderr.Contains($"host.release is {other.Number} ({other.Codename}); this host runs Debian GNU/Linux {release}"), result.Output);
        }
    }

    /// <summary>
    /// Moving a host from Debian 13 back to 12 is one-way for its Redis data (docs/disaster-rebuild.md,
    /// section 9): a snapshot Redis 8.0 writes is refused by 7.0, while 8.0 loads one 7.0 wrote.
    /// </summary>
    [Fact]
    public void Redis_data_moves_from_Debian_12_to_13_but_not_back()
    {
        string Snapshot(ReleaseTools tools, TempDir dir)
        {
            var port = FreePort().ToString();
            var result = tools.Run(dir, "bash", ["-c",
                $"redis-server --port {port} --bind 127.0.0.1 --dir {dir.Path} --save '' --daemonize no & " +
                $"until redis-cli -p {port} ping 2> /dev/null | grep -q PONG; do sleep 0.1; done; " +
                $"redis-cli -p {port} set token:probe written-on-{tools.Release.Number} > /dev/null && redis-cli -p {port} save > /dev/null && redis-cli -p {port} shutdown nosave; wait"], timeoutSeconds: 30);
            Assert.True(System.IO.File.Exists(Path.Combine(dir.Path, "dump.rdb")), result.Output);
            return dir.Path;
        }
        (int ExitCode, string Output) Load(ReleaseTools tools, TempDir dir)
        {
            var port = FreePort().ToString();
            var result = tools.Run(dir, "bash", ["-c",
                $"redis-server --port {port} --bind 127.0.0.1 --dir {dir.Path} --save '' --daemonize no --logfile {dir.Path}/load.log & server=$!; " +
                $"for i in $(seq 50); do redis-cli -p {port} get token:probe 2> /dev/null | grep . && break; kill -0 $server 2> /dev/null || break; sleep 0.1; done; " +
                $"redis-cli -p {port} shutdown nosave > /dev/null 2>&1; wait $server; cat {dir.Path}/load.log"], timeoutSeconds: 30);
            return (result.ExitCode, result.Output);
        }
        var bookworm = ReleaseTools.For(12);
        var trixie = ReleaseTools.For(13);
        using var up = new TempDir();
        Snapshot(bookworm, up);
        Assert.Contains("written-on-12", Load(trixie, up).Output);
        using var down = new TempDir();
        Snapshot(trixie, down);
        var back = Load(bookworm, down).Output;
        Assert.DoesNotContain("written-on-13", back);
        Assert.Contains("Can't handle RDB format version", back);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Moves absolute paths of rendered files under a test root; nothing else about the text changes.
/// Under(root, "/x") maps /x to root/x, so TempDir[hostPath] is where a relocated file lives.
/// </summary>
internal sealed class Relocation(IReadOnlyList<(string From, string To)> map)
{
    public static Relocation Under(string root, params string[] prefixes) =>
        new(prefixes.Select(p => (p, root + p)).ToList());

    public string Text(string content) => map.Aggregate(content, (text, m) => text.Replace(m.From, m.To));
}
