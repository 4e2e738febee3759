using System.Text.RegularExpressions;
using Origin.Settings;

namespace Origin.Box;

/// <summary>Free loopback ports that stand for the host's ports.</summary>
/// <param name="Alertmanager">Where the box's Prometheus sends its alerts: no Alertmanager listens there, and none of another process on this machine gets them.</param>
public sealed record BoxPorts(int Http, int Https, int Status, int Api, int Redis, int NodeExporter, int NginxExporter, int RedisExporter, int Prometheus, int Alertmanager)
{
    public static BoxPorts Pick()
    {
        var p = LoopbackPorts.Pick(10);
        return new BoxPorts(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]);
    }
}

/// <summary>One reviewed change to the rendered files: a host path moved under the temp root, or a port moved to loopback.</summary>
public sealed partial record RelocationRule(string Kind, string From, string To)
{
    // Whole paths and whole port phrases only: "/run" in "/var/run" or port 5000 in "50001" are not theirs.
    public Regex Pattern { get; } = new(
        (char.IsLetterOrDigit(From[0]) || From[0] == '/' ? @"(?<![\w./-])" : "") + Regex.Escape(From) + (char.IsLetterOrDigit(From[^1]) ? @"(?![\w.-])" : ""),
        RegexOptions.Multiline);
}

/// <summary>
/// The only changes the box makes to the rendered prod files: the explicit, reviewed mapping below.
/// Everything else in every file is byte for byte the rendered text; <see cref="Compare"/> proves it
/// by undoing the mapping and getting the rendered file back.
/// </summary>
public sealed partial class Relocation(IReadOnlyList<RelocationRule> rules, string root)
{
    public IReadOnlyList<RelocationRule> Rules { get; } = rules;

    private readonly Dictionary<RelocationRule, int> _uses = rules.ToDictionary(r => r, _ => 0);

    public static Relocation For(OriginSettings s, HostRoot root, BoxPorts ports)
    {
        // Host directories the rendered files name, each moved to the same path under the root.
        string[] dirs =
        [
            s.Nginx.Prefix.Value,      // nginx.conf, conf.d/, sbin/nginx (Debian's binary stands in), mime.types
            s.Stream.InstallDir.Value, // the app's current release: the fixture
            s.Hls.Dir.Value,           // playlists and segments
            "/etc/origin-stack",       // the API's environment files and the TLS certificate
            "/etc/redis",              // redis.conf and its secret include
            "/etc/tmpfiles.d",         // the cleanup rule
            "/var/log/nginx",
            "/var/cache/nginx",        // nginx's temp files and token verdicts (the unit's ReadWritePaths=)
            "/var/lib/redis",          // the AOF
            "/run",                    // pid files
            "/etc/default",            // the exporters' and Prometheus's arguments
            "/etc/prometheus",         // scrape config and alert rules
            "/var/lib/prometheus",     // the TSDB and the textfile collector's directory
            "/usr/local/lib/origin-stack", // the HLS collector script
            "/var/lib/origin-hls-metrics", // its state (the access log offset)
        ];
        var rules = dirs.Select(d => new RelocationRule("path", d, root[d])).ToList();
        rules.AddRange(
        [
            new("port", "listen 80 ", $"listen 127.0.0.1:{ports.Http} "),
            new("port", "listen 443 ", $"listen 127.0.0.1:{ports.Https} "),
            new("port", "listen [::]:80 ", $"listen [::1]:{ports.Http} "),
            new("port", "listen [::]:443 ", $"listen [::1]:{ports.Https} "),
            new("port", $"127.0.0.1:{s.Nginx.StatusPort}", $"127.0.0.1:{ports.Status}"),
            new("port", $"127.0.0.1:{s.Stream.Port}", $"127.0.0.1:{ports.Api}"),
            new("port", $"port {s.Redis.Port}", $"port {ports.Redis}"),
            new("port", $"REDIS_PORT={s.Redis.Port}", $"REDIS_PORT={ports.Redis}"),
            new("port", $"127.0.0.1:{s.Monitoring.Node.Port}", $"127.0.0.1:{ports.NodeExporter}"),
            new("port", $"127.0.0.1:{s.Monitoring.Nginx.Port}", $"127.0.0.1:{ports.NginxExporter}"),
            new("port", $"127.0.0.1:{s.Monitoring.Redis.Port}", $"127.0.0.1:{ports.RedisExporter}"),
            new("port", $"127.0.0.1:{s.Monitoring.Prometheus.Port}", $"127.0.0.1:{ports.Prometheus}"),
            new("port", $"127.0.0.1:{s.Monitoring.Alertmanager.Port}", $"127.0.0.1:{ports.Alertmanager}"),
            // The exporters name what they scrape as URLs.
            new("port", $"redis://127.0.0.1:{s.Redis.Port}", $"redis://127.0.0.1:{ports.Redis}"),
            new("port", $"http://127.0.0.1:{s.Nginx.StatusPort}", $"http://127.0.0.1:{ports.Status}"),
            // systemd-tmpfiles reads its rule, the paths in it and the user names under --root.
            new("root", Tools.Tmpfiles, $"{Tools.Tmpfiles} --root={root.Dir}"),
        ]);
        return new Relocation(rules, root.Dir);
    }

    public string Apply(string text)
    {
        foreach (var rule in Rules)
            text = rule.Pattern.Replace(text, _ =>
            {
                _uses[rule]++;
                return rule.To;
            });
        return text;
    }

    public string Undo(string text) => Rules.Reverse().Aggregate(text, (t, r) => t.Replace(r.To, r.From, StringComparison.Ordinal));

    /// <summary>Rules that matched nothing in any file so far: a template changed under the mapping.</summary>
    public IEnumerable<RelocationRule> Unused => _uses.Where(u => u.Value == 0).Select(u => u.Key);

    public sealed record LineChange(int Line, string Rendered, string Placed);

    /// <summary>The lines the mapping changed. Throws if undoing it does not give back the rendered text exactly.</summary>
    public IReadOnlyList<LineChange> Compare(string rendered, string placed)
    {
        var undone = Undo(placed);
        if (undone != rendered)
        {
            var (r, u) = (rendered.Split('\n'), undone.Split('\n'));
            var at = Enumerable.Range(0, Math.Min(r.Length, u.Length)).FirstOrDefault(i => r[i] != u[i], Math.Min(r.Length, u.Length));
            throw new InvalidOperationException($"line {at + 1} differs from the rendered file beyond the relocation:\n  rendered: {r.ElementAtOrDefault(at)}\n  placed:   {u.ElementAtOrDefault(at)}");
        }
        return rendered.Split('\n').Zip(placed.Split('\n'))
            .Select((pair, i) => new LineChange(i + 1, pair.First, pair.Second))
            .Where(c => c.Rendered != c.Placed).ToList();
    }

    [GeneratedRegex(@"(?<![\w./-])/(?:etc|var|run|opt|srv|tmp|home|root|mnt|media)(?:/[\w.@-]+)*")]
    private static partial Regex HostPath();

    /// <summary>Host paths outside the root that a relocated text still names (comments aside): each would make the box touch the real host.</summary>
    public IReadOnlyList<string> UnmappedHostPaths(string relocated) =>
        relocated.Split('\n').Where(l => !l.TrimStart().StartsWith('#'))
            .SelectMany(l => HostPath().Matches(l).Select(m => m.Value))
            .Where(p => p != root && !p.StartsWith(root + "/", StringComparison.Ordinal)).Distinct().ToList();
}
