using System.Globalization;
using System.Text.Json;
using Origin.Capacity;
using Origin.Plan;
using Origin.Plan.Steps;
using Origin.Settings;

namespace Origin.Tests;

/// <summary>
/// The rendered scrape config and alert rules, checked by Debian's promtool; and promtool unit tests
/// (https://prometheus.io/docs/prometheus/2.42/configuration/unit_testing_rules/) that make every alert
/// fire from series that mimic its failure, stay pending before its for:, and clear once the failure ends.
/// The series are computed from the same settings as the thresholds, so a rule whose threshold drifted
/// from its setting fails here.
/// </summary>
public class AlertRuleTests
{
    public static IEnumerable<object[]> Modes() => [[Array.Empty<string>()], [new[] { "monitoring.prometheus.mode=none" }]];

    [Theory]
    [MemberData(nameof(Modes))]
    public void Promtool_accepts_the_rendered_config_and_rules(string[] changes)
    {
        var plan = Stacks.ProdPlan(changes);
        using var root = new TempDir();
        var (config, rules) = Write(plan, root);
        var checkConfig = Tool.Run("promtool", ["check", "config", "--lint=all", "--lint-fatal", config]);
        Assert.True(checkConfig.ExitCode == 0, checkConfig.Output);
        Assert.Contains("1 rule files found", checkConfig.Output);
        var checkRules = Tool.Run("promtool", ["check", "rules", "--lint=all", "--lint-fatal", rules]);
        Assert.True(checkRules.ExitCode == 0, checkRules.Output);
        Assert.Contains($"SUCCESS: {Cases(Stacks.Valid(changes)).Count} rules found", checkRules.Output);
    }

    [Fact]
    public void Every_alert_fires_after_its_for_and_clears_when_the_failure_ends()
    {
        var settings = Stacks.Valid();
        using var root = new TempDir();
        var (_, rules) = Write(Stacks.ProdPlan(), root);
        var interval = settings.Monitoring.Prometheus.ScrapeInterval.Seconds;
        var tests = Cases(settings).Select(c => UnitTest(c, interval, Description(rules, c))).ToList();
        var file = root.Write("origin-rules.test.json", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            // JSON is YAML: promtool reads this file as it reads its YAML.
            ["rule_files"] = new[] { rules },
            ["evaluation_interval"] = $"{interval}s",
            ["tests"] = tests,
        }));
        var result = Tool.Run("promtool", ["test", "rules", file], timeoutSeconds: 120);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS", result.Output);
    }

    [Fact]
    public void Every_rendered_alert_has_a_test_a_severity_and_an_operator_summary()
    {
        using var root = new TempDir();
        var (_, rules) = Write(Stacks.ProdPlan(), root);
        var alerts = File.ReadAllLines(rules).Where(l => l.TrimStart().StartsWith("- alert: ")).Select(l => l.Split(": ")[1]).ToList();
        Assert.Equal(alerts.Order(), Cases(Stacks.Valid()).Select(c => c.Alert).Order());
        var text = File.ReadAllText(rules);
        Assert.Equal(alerts.Count, CountOf(text, "        for: "));
        Assert.Equal(alerts.Count, CountOf(text, "          severity: "));
        Assert.Equal(alerts.Count, CountOf(text, "          summary: "));
    }

    private static int CountOf(string text, string what) => text.Split('\n').Count(l => l.StartsWith(what, StringComparison.Ordinal));

    /// <summary>Writes the rendered config and rules as Prometheus finds them, side by side.</summary>
    private static (string Config, string Rules) Write(HostPlan plan, TempDir root)
    {
        var files = plan["monitoring"].Files;
        var config = files.Single(f => f.Path.EndsWith("/prometheus.yml", StringComparison.Ordinal));
        var rules = files.Single(f => f.Path.EndsWith("/origin-rules.yml", StringComparison.Ordinal));
        return (root.Write("prometheus.yml", config.Content), root.Write("origin-rules.yml", rules.Content));
    }

    /// <summary>A stretch of a series: from Start (or on from where the last stretch ended), Step more per sample; a Clock keeps time with the test (a timestamp).</summary>
    public sealed record Phase(double? Start, double Step, bool Clock = false);

    /// <summary>One series: its selector, and its values before, during and after the failure.</summary>
    public sealed record Series(string Selector, Phase Before, Phase During, Phase After);

    /// <summary>
    /// An alert, the series that make it fire, the labels it fires with, and the summary it must carry at a
    /// time of the test. Lag: how long after the failure starts the expression turns true (a 5m rate needs
    /// its window to fill).
    /// </summary>
    public sealed record AlertCase(string Alert, string Severity, IReadOnlyList<Series> Series, Dictionary<string, string> Labels,
        Func<long, string> SummaryAt, long ForSeconds, long LagSeconds);

    private const string Instance = "live.example.com";

    /// <summary>Samples of the healthy lead-in, enough to fill every rate window.</summary>
    private const int LeadSteps = 40;

    public static IReadOnlyList<AlertCase> Cases(OriginSettings s)
    {
        var a = s.Monitoring.Alerts;
        var z = new Sizing(s);
        var iv = s.Monitoring.Prometheus.ScrapeInterval.Seconds;
        var start = LeadSteps * iv;
        string Series(string name, string job, string labels = "") => $"{name}{{instance=\"{Instance}\",job=\"{job}\"{(labels.Length > 0 ? "," + labels : "")}}}";
        // Alerts over sum by (instance) carry no job.
        Dictionary<string, string> Labels(string? job = null, params (string, string)[] more) =>
            new[] { ("instance", Instance) }.Concat(job is null ? [] : [("job", job)]).Concat(more).ToDictionary(p => p.Item1, p => p.Item2);
        static Phase Flat(double v) => new(v, 0);
        const long Window = 300;

        var stall = a.StallSegments * Math.Max(2, s.Hls.SegmentSeconds);
        // A stalled playlist ages one scrape interval per sample, from just over the threshold.
        var aging = new Phase(stall + 1, iv);
        string AgeAt(long at) => HumanizeDuration(stall + 1 + (at - start));
        var tmpfs = (double)z.TmpfsSize.Bytes;
        var tmpfsLimit = AlertRules.Share(z.TmpfsSize.Bytes, a.TmpfsPercent);
        var hlsMount = $"device=\"tmpfs\",fstype=\"tmpfs\",mountpoint=\"{s.Hls.Dir.Value}\"";
        const string rootMount = "device=\"/dev/md2\",fstype=\"ext4\",mountpoint=\"/\"";
        var nginxFds = AlertRules.Share(s.Nginx.RlimitNofile, a.NofilePercent);
        var egressBytesPerStep = s.Host.NicMbps * 1_000_000L / 8 * iv;
        var redisLimit = AlertRules.Share(s.Redis.Maxmemory.Bytes, a.RedisMemoryPercent);
        var expiring = (a.CertificateDays - 1) * 86400.0;
        return
        [
            // The channel's FFmpeg ended and its playlist is gone (no origin_hls_playlist_* series at all), while viewers
            // keep asking for it: the collector's record of its last progress keeps the alert on until it plays again.
            new("OriginChannelStalled", "critical",
            [
                new(Series("origin_hls_channel_progress_timestamp_seconds", "origin-node", "channel=\"7\""), new(0, iv, Clock: true), Flat(start - stall - 1), new(null, iv, Clock: true)),
                new(Series("origin_hls_channel_target_duration_seconds", "origin-node", "channel=\"7\""), Flat(2), Flat(2), Flat(2)),
                new(Series("origin_hls_channel_requested_timestamp_seconds", "origin-node", "channel=\"7\""), new(0, iv, Clock: true), new(null, iv, Clock: true), new(null, iv, Clock: true)),
                new(Series("origin_hls_ffmpeg_up", "origin-node", "channel=\"7\""), Flat(1), Flat(0), Flat(1)),
            ], Labels("origin-node", ("channel", "7")), at => $"Channel 7 is stalled: it has not played for {AgeAt(at)}", a.StallFor.Seconds, 0),
            new("OriginPlaylistServedStale", "critical",
            [
                new(Series("origin_hls_playlist_age_seconds", "origin-node", "channel=\"8\""), Flat(1), aging, Flat(1)),
                new(Series("origin_hls_playlist_target_duration_seconds", "origin-node", "channel=\"8\""), Flat(2), Flat(2), Flat(2)),
                new(Series("origin_hls_ffmpeg_up", "origin-node", "channel=\"8\""), Flat(1), Flat(0), Flat(1)),
            ], Labels("origin-node", ("channel", "8")), at => $"Channel 8: nginx serves a playlist {AgeAt(at)} old that no FFmpeg writes", a.StallFor.Seconds, 0),
            new("OriginHlsTmpfsFilling", "warning",
            [
                // In use is size - avail: what statfs counts, deleted segments still held open included.
                new(Series("node_filesystem_size_bytes", "origin-node", hlsMount), Flat(tmpfs), Flat(tmpfs), Flat(tmpfs)),
                new(Series("node_filesystem_avail_bytes", "origin-node", hlsMount), Flat(tmpfs - tmpfsLimit / 2), Flat(tmpfs - tmpfsLimit - (1 << 20)), Flat(tmpfs - tmpfsLimit / 2)),
                // Another filesystem full all along is not the HLS tmpfs.
                new(Series("node_filesystem_size_bytes", "origin-node", rootMount), Flat(1e10), Flat(1e10), Flat(1e10)),
                new(Series("node_filesystem_avail_bytes", "origin-node", rootMount), Flat(0), Flat(0), Flat(0)),
            ], Labels("origin-node", ("device", "tmpfs"), ("fstype", "tmpfs"), ("mountpoint", s.Hls.Dir.Value)),
                _ => $"The HLS tmpfs has {Humanize1024(tmpfsLimit + (1 << 20))}B in use, over {a.TmpfsPercent}% of its {z.TmpfsSize}", 300, 0),
            new("OriginHlsCollectorStale", "warning",
                // Healthy: the timestamp keeps up with time(); failing: it stays at the last run's.
                [new(Series("origin_hls_collector_last_run_timestamp_seconds", "origin-node"), new(0, iv, Clock: true), Flat(start), new(null, iv, Clock: true))],
                Labels("origin-node"), at => $"The HLS health metrics are {HumanizeDuration(at - start)} old: no channel alert can fire", 60, AlertRules.CollectorStaleSeconds(s.Monitoring)),
            new("OriginChannelStartsFailing", "critical",
            [
                new(Series("origin_nginx_responses_total", "origin-node", "kind=\"start\",code=\"200\""), new(0, 10), new(null, 10), new(null, 10)),
                new(Series("origin_nginx_responses_total", "origin-node", "kind=\"start\",code=\"503\""), Flat(0), new(null, 10), new(null, 0)),
            ], Labels(), _ => $"50% of channel starts fail with 5xx (threshold {a.StartErrorPercent}%)", 300, Window),
            new("OriginDescriptorsRunningOut", "warning",
                [new(Series("origin_service_open_fds_max", "origin-node", "service=\"nginx\""), Flat(1000), Flat(nginxFds + 1), Flat(1000))],
                Labels("origin-node", ("service", "nginx")), _ => $"A nginx process holds {nginxFds + 1} descriptors, over {a.NofilePercent}% of its LimitNOFILE", 300, 0),
            new("OriginEgressNearPortSpeed", "warning",
            [
                // Sending at the port's full speed; loopback traffic, ten times as much, never counts.
                new(Series("node_network_transmit_bytes_total", "origin-node", "device=\"eth0\""), new(0, egressBytesPerStep / 10), new(null, egressBytesPerStep), new(null, egressBytesPerStep / 10)),
                new(Series("node_network_transmit_bytes_total", "origin-node", "device=\"lo\""), new(0, egressBytesPerStep * 10), new(null, egressBytesPerStep * 10), new(null, egressBytesPerStep * 10)),
            ], Labels(), _ => $"The origin sends {HumanizeSi(s.Host.NicMbps * 1e6)}bit/s, over {a.EgressPercent}% of its {s.Host.NicMbps} Mbit/s port", 600, Window),
            new("OriginCertificateExpiring", "warning",
                // Before: a certificate a year from expiry; during: one a day inside the threshold; after: the renewed one.
                [new(Series("origin_tls_certificate_not_after_seconds", "origin-node"), Flat(365 * 86400.0), Flat(expiring), Flat(730 * 86400.0))],
                Labels("origin-node"), at => $"The origin's Origin CA certificate expires in {HumanizeSi((expiring - at) / 86400)} days", 3600, 0),
            new("OriginRedisNearMaxmemory", "critical",
                [new(Series("redis_memory_used_bytes", "origin-redis"), Flat(redisLimit / 2), Flat(redisLimit + (1 << 20)), Flat(redisLimit / 2))],
                Labels("origin-redis"), _ => $"Redis uses {Humanize1024(redisLimit + (1 << 20))}B, over {a.RedisMemoryPercent}% of maxmemory {s.Redis.Maxmemory}", 300, 0),
            new("OriginServiceDown", "critical",
            [
                new(Series("node_systemd_unit_state", "origin-node", "name=\"stream-api.service\",state=\"active\",type=\"simple\""), Flat(1), Flat(0), Flat(1)),
                // A unit the stack does not run, inactive all along, is none of its business.
                new(Series("node_systemd_unit_state", "origin-node", "name=\"apache2.service\",state=\"active\",type=\"forking\""), Flat(0), Flat(0), Flat(0)),
            ], Labels("origin-node", ("name", "stream-api.service"), ("state", "active"), ("type", "simple")), _ => "stream-api.service is not active on the origin", 60, 0),
            new("OriginNginxDown", "critical",
                // The exporter still answers (up stays 1): only nginx_up says nginx is gone.
                [new(Series("nginx_up", "origin-nginx"), Flat(1), Flat(0), Flat(1)), new(Series("up", "origin-nginx"), Flat(1), Flat(1), Flat(1))],
                Labels("origin-nginx"), _ => "nginx does not answer its exporter on the origin", 60, 0),
            new("OriginRedisDown", "critical",
                [new(Series("redis_up", "origin-redis"), Flat(1), Flat(0), Flat(1)), new(Series("up", "origin-redis"), Flat(1), Flat(1), Flat(1))],
                Labels("origin-redis"), _ => "Redis does not answer its exporter on the origin", 60, 0),
            new("OriginExporterDown", "warning",
                [new(Series("up", "origin-nginx"), Flat(1), Flat(0), Flat(1))],
                Labels("origin-nginx"), _ => $"Prometheus cannot scrape origin-nginx ({Instance})", 120, 0),
            new("OriginClockNotSynchronised", "warning",
                [new(Series("node_timex_sync_status", "origin-node"), Flat(1), Flat(0), Flat(1))],
                Labels("origin-node"), _ => "The origin's clock has not been synchronised for 10 minutes", 600, 0),
        ];
    }

    /// <summary>
    /// The unit test of one alert: healthy for <see cref="LeadSteps"/> samples, failing long enough to fire,
    /// then healthy again. Quiet before the failure and inside its for:, firing once for: and the lag have
    /// passed, gone once the failure is over and its windows have moved past it.
    /// </summary>
    private static object UnitTest(AlertCase c, long iv, string description)
    {
        var failSteps = (int)((c.ForSeconds + c.LagSeconds) / iv) + 8;
        var afterSteps = (int)(Math.Max(c.LagSeconds, 300) / iv) + 8;
        var start = LeadSteps * iv;
        var end = (LeadSteps + failSteps) * iv;
        object Expect(long at, bool firing) => new Dictionary<string, object>
        {
            ["eval_time"] = $"{at}s",
            ["alertname"] = c.Alert,
            ["exp_alerts"] = firing
                ? new[]
                {
                    new Dictionary<string, object>
                    {
                        ["exp_labels"] = new Dictionary<string, string>(c.Labels) { ["severity"] = c.Severity },
                        ["exp_annotations"] = new Dictionary<string, string> { ["summary"] = c.SummaryAt(at), ["description"] = description },
                    },
                }
                : Array.Empty<object>(),
        };
        return new Dictionary<string, object>
        {
            ["name"] = c.Alert,
            ["interval"] = $"{iv}s",
            ["input_series"] = c.Series.Select(s => new Dictionary<string, string>
            {
                ["series"] = s.Selector,
                ["values"] = Values(iv, [(s.Before, LeadSteps), (s.During, failSteps), (s.After, afterSteps)]),
            }).ToList(),
            ["alert_rule_test"] = new[]
            {
                Expect(start - iv, false),
                Expect(start + c.ForSeconds / 2, false),
                Expect(start + c.LagSeconds + c.ForSeconds + 2 * iv, true),
                Expect(end + c.LagSeconds + 2 * iv, false),
            },
        };
    }

    /// <summary>The phases in promtool's expanding notation: "a+bxn" is a, a+b, ... a+nb (n+1 samples).</summary>
    private static string Values(long iv, IEnumerable<(Phase Phase, int Samples)> phases)
    {
        var parts = new List<string>();
        var (last, index) = (0.0, 0);
        foreach (var (phase, samples) in phases)
        {
            var first = phase.Clock ? index * iv : phase.Start ?? last + phase.Step;
            index += samples;
            parts.Add($"{Number(first)}+{Number(phase.Step)}x{samples - 1}");
            last = first + phase.Step * (samples - 1);
        }
        return string.Join(' ', parts);
    }

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Prometheus's humanizeDuration for whole seconds under an hour: "45s", "1m 5s".</summary>
    private static string HumanizeDuration(long seconds) => seconds >= 60 ? $"{seconds / 60}m {seconds % 60}s" : $"{seconds}s";

    /// <summary>Prometheus's humanize: %.4g with SI prefixes (k, M, G, ...).</summary>
    private static string HumanizeSi(double v)
    {
        string[] prefixes = ["", "k", "M", "G", "T"];
        var i = 0;
        while (Math.Abs(v) >= 1000 && i < prefixes.Length - 1) { v /= 1000; i++; }
        return G4(v) + prefixes[i];
    }

    /// <summary>Prometheus's humanize1024: %.4g with Ki, Mi, Gi, ...</summary>
    private static string Humanize1024(double v)
    {
        string[] prefixes = ["", "Ki", "Mi", "Gi", "Ti"];
        var i = 0;
        while (Math.Abs(v) >= 1024 && i < prefixes.Length - 1) { v /= 1024; i++; }
        return G4(v) + prefixes[i];
    }

    /// <summary>Go's %.4g: four significant digits, trailing zeros dropped.</summary>
    private static string G4(double v) => double.Parse(v.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    /// <summary>The rule's description with the alert's labels filled in, as Prometheus expands {{ $labels.x }}.</summary>
    private static string Description(string rulesPath, AlertCase c)
    {
        var lines = File.ReadAllLines(rulesPath);
        var at = Array.FindIndex(lines, l => l.Trim() == $"- alert: {c.Alert}");
        var line = lines.Skip(at).First(l => l.TrimStart().StartsWith("description: ", StringComparison.Ordinal)).Trim();
        var text = JsonSerializer.Deserialize<string>(line["description: ".Length..])!;
        return c.Labels.Aggregate(text, (t, l) => t.Replace($"{{{{ $labels.{l.Key} }}}}", l.Value));
    }
}
