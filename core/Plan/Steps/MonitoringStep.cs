using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>
/// Prometheus exporters from Debian's packages, bound to loopback or opened to the admin networks; the
/// HLS health collector on a timer, read through the node exporter's textfile collector; the scrape
/// config, alert rules and Grafana dashboard; and, in mode local, Debian's Prometheus running them.
/// </summary>
internal static class MonitoringStep
{
    /// <param name="Reaches">What the exporter talks to, besides answering HTTP: the reason for its address families.</param>
    /// <param name="ReadsClock">Whether it reads the kernel clock's state with adjtimex(2), which ProtectClock= denies.</param>
    public sealed record Exporter(string Name, string Package, ExporterSettings Settings, string AddressFamilies, string Reaches, bool ReadsClock = false);

    /// <summary>
    /// The clock lines of an exporter's sandbox. The node exporter's timex collector reads the clock's
    /// offset and sync state with adjtimex(2) and modes 0 (node_exporter collector/timex.go), one of the
    /// @clock calls that ProtectClock= denies (systemd src/core/execute.c, apply_protect_clock) and that
    /// ~@privileged leaves out. Reading needs no capability; setting the clock needs CAP_SYS_TIME
    /// (adjtimex(2)), which the empty bounding set withholds, so the clock stays as safe without it.
    /// </summary>
    private static string[] ClockLines(Exporter e) => e.ReadsClock
        ?
        [
            "# adjtimex(2) for the timex collector (clock offset and sync state), read-only: without",
            "# CAP_SYS_TIME (the bounding set is empty) the kernel refuses to set the clock, as ProtectClock= would.",
            "SystemCallFilter=adjtimex",
        ]
        : ["ProtectClock=yes"];

    /// <summary>Debian's default --collector.textfile.directory (prometheus-node-exporter --help).</summary>
    public const string TextfileDir = "/var/lib/prometheus/node-exporter";

    public const string CollectorScript = "/usr/local/lib/origin-stack/hls-metrics.py";
    public const string PrometheusPackage = "prometheus";

    /// <summary>Where the scrape config and rules go: Debian's /etc/prometheus for a local Prometheus, else beside the stack's other files, to hand over.</summary>
    public static string ConfigDir(MonitoringSettings m) => m.Prometheus.Mode == PrometheusMode.Local ? "/etc/prometheus" : HandoverDir;

    public const string HandoverDir = "/etc/origin-stack/monitoring";

    public static IReadOnlyList<Exporter> Exporters(OriginSettings s) =>
    [
        new("node", "prometheus-node-exporter", s.Monitoring.Node, "AF_UNIX AF_INET AF_INET6 AF_NETLINK",
            "systemd on D-Bus (--collector.systemd) and the kernel over netlink (interface statistics)", ReadsClock: true),
        new("nginx", "prometheus-nginx-exporter", s.Monitoring.Nginx, "AF_UNIX AF_INET AF_INET6", "nginx's stub_status on loopback"),
        new("redis", "prometheus-redis-exporter", s.Monitoring.Redis, "AF_UNIX AF_INET AF_INET6", "Redis on loopback"),
    ];

    /// <summary>Packages the step needs: the enabled exporters, and Prometheus in mode local.</summary>
    public static IEnumerable<string> Packages(OriginSettings s) =>
        Exporters(s).Where(e => e.Settings.Enabled).Select(e => e.Package)
            .Concat(s.Monitoring.Prometheus.Mode == PrometheusMode.Local ? [PrometheusPackage, AlertRouting.Package] : []);

    public static string ListenAddress(MonitoringSettings m) => m.Exposure == ExporterExposure.Loopback ? "127.0.0.1" : "0.0.0.0";

    public static Step Build(PlanContext c)
    {
        var s = c.Settings;
        var m = s.Monitoring;
        var listen = ListenAddress(m);
        var enabled = Exporters(s).Where(e => e.Settings.Enabled).ToList();
        var files = new List<HostFile>();
        foreach (var e in enabled)
        {
            var values = new Dictionary<string, Slot> { ["listen"] = Template.Token(listen), ["port"] = Template.Token(e.Settings.Port) };
            if (e.Name == "node") values["textfile_dir"] = Template.Token(TextfileDir);
            if (e.Name == "nginx") values["status_port"] = Template.Token(s.Nginx.StatusPort);
            if (e.Name == "redis") values["redis_port"] = Template.Token(s.Redis.Port);
            files.Add(PlanContext.File($"/etc/default/{e.Package}", "644", "root", "root", $"monitoring/{e.Name}-exporter.default", values));
            // REDIS_PASSWORD from the file systemd reads as root; it never appears on a command line.
            var environment = e.Name == "redis" ? [$"EnvironmentFile={RedisStep.PasswordEnv}"] : Array.Empty<string>();
            files.Add(PlanContext.File($"/etc/systemd/system/{e.Package}.service.d/origin.conf", "644", "root", "root", "monitoring/exporter.conf", new()
            {
                ["package"] = Template.Token(e.Package),
                ["reaches"] = Template.Comment(e.Reaches),
                ["environment"] = Template.Lines(environment),
                ["address_families"] = Template.Words(e.AddressFamilies.Split(' ')),
                ["clock"] = Template.Lines(ClockLines(e)),
            }));
        }
        files.AddRange(Collector(s));
        var dir = ConfigDir(m);
        files.Add(PlanContext.File($"{dir}/prometheus.yml", "644", "root", "root", "monitoring/prometheus.yml", ScrapeConfig.Values(s)));
        files.Add(PlanContext.File($"{dir}/{ScrapeConfig.RulesFile}", "644", "root", "root", "monitoring/origin-rules.yml", AlertRules.Values(s, c.Sizing)));
        files.Add(PlanContext.File($"{HandoverDir}/grafana-dashboard.json", "644", "root", "root", "monitoring/grafana-dashboard.json", Dashboard.Values(s, c.Sizing)));
        var local = m.Prometheus.Mode == PrometheusMode.Local;
        if (local)
        {
            files.Add(PlanContext.File("/etc/default/prometheus", "644", "root", "root", "monitoring/prometheus.default", new()
            {
                ["retention"] = Template.Token(m.Prometheus.Retention),
                // Prometheus reads MB as 2^20 bytes (units.Base2Bytes); a whole MiB is what ByteSize can always give.
                ["retention_size"] = Template.Token($"{m.Prometheus.RetentionSize.MiBRoundedUp}MB"),
                ["listen"] = Template.Token(listen),
                ["port"] = Template.Token(m.Prometheus.Port),
            }));
            files.Add(PlanContext.File("/etc/systemd/system/prometheus.service.d/origin.conf", "644", "root", "root", "monitoring/prometheus-sandbox.conf", new()));
            files.AddRange(AlertRouting.Files(m.Alertmanager));
        }
        var names = Template.Words(enabled.Select(e => e.Package));
        return PlanContext.Step("monitoring", "Prometheus exporters, HLS health metrics, alert rules", files,
            new()
            {
                ["place"] = PlanContext.PlaceLines(files),
                // Before anything restarts: a config promtool refuses rolls every file back and the running Prometheus keeps the last good one.
                ["check"] = Template.Lines(local
                    ? ["promtool check config --lint=none /etc/prometheus/prometheus.yml > /dev/null", $"amtool check-config {AlertRouting.ConfigPath} > /dev/null"]
                    : []),
                ["exporters"] = names,
                ["watch_password"] = Template.Lines(m.Redis.Enabled ? [$"watch {RedisStep.PasswordEnv}"] : []),
                ["password_reader"] = Template.Lines(m.Redis.Enabled
                    ? ["# The Redis exporter logs in with the password the redis step supplies: a rotation restarts it.",
                       $"if [[ $exporter == prometheus-redis-exporter ]]; then reads+=({RedisStep.PasswordEnv}); fi"]
                    : []),
                ["disabled"] = Template.Words(Exporters(s).Where(e => !e.Settings.Enabled).Select(e => e.Package)),
                ["wait"] = Template.Lines(enabled.Select(e => $"wait_for_tcp {e.Settings.Port} 15")),
                ["prometheus"] = Template.Lines([Template.Render(local ? "monitoring/prometheus-local.sh" : "monitoring/prometheus-none.sh", local
                    ? new() { ["port"] = Template.Token(m.Prometheus.Port), ["alertmanager_port"] = Template.Token(m.Alertmanager.Port) }
                    : new())]),
            },
            new()
            {
                ["exporters"] = Template.Words(Packages(s)),
                ["files"] = Template.Words(files.Select(f => f.Path)),
            },
            reads: m.Redis.Enabled ? [Supply.RedisPassword] : []);
    }

    /// <summary>The collector script and its timer.</summary>
    private static IEnumerable<HostFile> Collector(OriginSettings s)
    {
        var interval = Template.Token(s.Monitoring.CollectInterval);
        yield return PlanContext.File(CollectorScript, "755", "root", "root", "monitoring/hls-metrics.py", new());
        yield return PlanContext.File("/etc/systemd/system/origin-hls-metrics.service", "644", "root", "root", "monitoring/origin-hls-metrics.service", new()
        {
            ["interval"] = interval,
            ["hls_dir"] = Template.Token(s.Hls.Dir),
            ["playlist_prefix"] = Template.Token(s.Hls.PlaylistPrefix),
            ["url_prefix"] = Template.Token(s.Hls.UrlPrefix),
            // No API prefix: nothing in the log is counted as the API's.
            ["api_prefix"] = Template.Token(s.Nginx.ApiPrefix?.Value ?? "-"),
            ["certificate"] = Template.Token(NginxConfigStep.CertificatePath),
            ["textfile_dir"] = Template.Token(TextfileDir),
        });
        yield return PlanContext.File("/etc/systemd/system/origin-hls-metrics.timer", "644", "root", "root", "monitoring/origin-hls-metrics.timer", new()
        {
            ["interval"] = interval,
        });
    }
}
