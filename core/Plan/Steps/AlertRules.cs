using System.Globalization;
using Origin.Capacity;
using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>The thresholds of files/monitoring/origin-rules.yml, each a share of what the settings configure.</summary>
public static class AlertRules
{
    /// <summary>Bytes or counts at a share of a configured limit, as a whole number.</summary>
    public static long Share(long limit, int percent) => limit * percent / 100;

    /// <summary>The collector is stale when three of its runs are missing, and never within less than 30 s.</summary>
    public static long CollectorStaleSeconds(MonitoringSettings m) => Math.Max(30, 3 * m.CollectInterval.Seconds);

    /// <summary>
    /// A channel counts as wanted this long after nginx last logged a request for it: a start is logged when it answers,
    /// within the start timeout, and players retry a failed playlist with back-off, so a minute more.
    /// </summary>
    public static long WantedSeconds(StreamSettings s) => StreamServiceStep.StartTimeoutSeconds(s) + 60;

    /// <summary>The units whose state the service alert watches: what serves viewers and starts channels, and what keeps the tmpfs from filling.</summary>
    public static IReadOnlyList<string> WatchedUnits { get; } = ["nginx.service", "redis-server.service", "stream-api.service", "origin-hls-cleanup.timer"];

    internal static Dictionary<string, Slot> Values(OriginSettings s, Sizing z)
    {
        var a = s.Monitoring.Alerts;
        Slot Number(double value) => Template.Token(value.ToString(CultureInfo.InvariantCulture));
        return new()
        {
            ["collect_interval"] = Template.Token(s.Monitoring.CollectInterval),
            ["stall_segments"] = Template.Token(a.StallSegments),
            ["segment_seconds"] = Template.Token(s.Hls.SegmentSeconds),
            ["stall_for"] = Template.Token(a.StallFor),
            ["wanted_seconds"] = Template.Token(WantedSeconds(s.Stream)),
            ["hls_dir"] = Template.Token(s.Hls.Dir),
            ["playlist_prefix"] = Template.Token(s.Hls.PlaylistPrefix),
            ["tmpfs_limit_bytes"] = Template.Token(Share(z.TmpfsSize.Bytes, a.TmpfsPercent)),
            ["tmpfs_percent"] = Template.Token(a.TmpfsPercent),
            ["tmpfs_size"] = Template.Token(z.TmpfsSize),
            ["channels"] = Template.Token(s.Capacity.Channels),
            ["collector_stale_seconds"] = Template.Token(CollectorStaleSeconds(s.Monitoring)),
            ["start_error_ratio"] = Number(a.StartErrorPercent / 100.0),
            ["start_error_percent"] = Template.Token(a.StartErrorPercent),
            ["start_timeout"] = Template.Token(StreamServiceStep.StartTimeoutSeconds(s.Stream)),
            ["nginx_fd_limit"] = Template.Token(Share(s.Nginx.RlimitNofile, a.NofilePercent)),
            ["api_fd_limit"] = Template.Token(Share(s.Stream.LimitNofile, a.NofilePercent)),
            ["nofile_percent"] = Template.Token(a.NofilePercent),
            ["nginx_nofile"] = Template.Token(s.Nginx.RlimitNofile),
            ["api_nofile"] = Template.Token(s.Stream.LimitNofile),
            ["egress_limit_bps"] = Template.Token(Share(s.Host.NicMbps * 1_000_000L, a.EgressPercent)),
            ["egress_percent"] = Template.Token(a.EgressPercent),
            ["nic_mbps"] = Template.Token(s.Host.NicMbps),
            ["certificate_days"] = Template.Token(a.CertificateDays),
            ["redis_limit_bytes"] = Template.Token(Share(s.Redis.Maxmemory.Bytes, a.RedisMemoryPercent)),
            ["redis_percent"] = Template.Token(a.RedisMemoryPercent),
            ["redis_maxmemory"] = Template.Token(s.Redis.Maxmemory),
            // PromQL's regex is anchored; a literal dot is [.] (no backslash to double in YAML or PromQL).
            ["service_down"] = Template.Lines([$"node_systemd_unit_state{{name=~\"{string.Join('|', WatchedUnits.Select(u => u.Replace(".", "[.]")))}\", state=\"active\"}} == 0"]),
        };
    }
}
