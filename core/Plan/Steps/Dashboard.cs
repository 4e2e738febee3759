using System.Globalization;
using Origin.Capacity;
using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>
/// The Grafana dashboard (files/monitoring/grafana-dashboard.json), in the form Grafana exports "for
/// sharing externally" and imports: a data source input DS_PROMETHEUS the import asks for, "id": null,
/// a uid of 8-40 characters, panels with type, gridPos and targets
/// (https://grafana.com/docs/grafana/v10.2/dashboards/build-dashboards/view-dashboard-json-model/,
/// https://grafana.com/docs/grafana/v10.2/dashboards/share-dashboards-panels/#export-a-dashboard-as-json).
/// Axes and threshold lines are the configured limits.
/// </summary>
internal static class Dashboard
{
    /// <summary>Grafana's own legend placeholders, which share the templates' {{name}} syntax: written back as they are.</summary>
    private static readonly string[] LegendLabels = ["channel", "code", "kind", "service"];

    /// <summary>A stable uid per origin, so two origins' dashboards can live in one Grafana.</summary>
    public static string Uid(string record) => "hls-origin-" + Digest.Sha256(record)[..12];

    public static Dictionary<string, Slot> Values(OriginSettings s, Sizing z)
    {
        var a = s.Monitoring.Alerts;
        var record = s.Cloudflare.Record ?? throw new InvalidOperationException("cloudflare.record is validated before planning");
        var values = new Dictionary<string, Slot>
        {
            ["uid"] = Template.Token(Uid(record.Value)),
            ["record"] = Template.Token(record),
            ["tmpfs_bytes"] = Template.Token(z.TmpfsSize.Bytes),
            ["tmpfs_share"] = Template.Token((a.TmpfsPercent / 100.0).ToString(CultureInfo.InvariantCulture)),
            ["tmpfs_limit_bytes"] = Template.Token(AlertRules.Share(z.TmpfsSize.Bytes, a.TmpfsPercent)),
            ["certificate_seconds"] = Template.Token(a.CertificateDays * 86400L),
            ["stall_seconds"] = Template.Token(a.StallSegments * s.Hls.SegmentSeconds),
            ["nic_bps"] = Template.Token(s.Host.NicMbps * 1_000_000L),
            ["egress_limit_bps"] = Template.Token(AlertRules.Share(s.Host.NicMbps * 1_000_000L, a.EgressPercent)),
            ["api_nofile"] = Template.Token(s.Stream.LimitNofile),
            ["nginx_nofile"] = Template.Token(s.Nginx.RlimitNofile),
            ["redis_maxmemory_bytes"] = Template.Token(s.Redis.Maxmemory.Bytes),
            ["redis_limit_bytes"] = Template.Token(AlertRules.Share(s.Redis.Maxmemory.Bytes, a.RedisMemoryPercent)),
        };
        foreach (var label in LegendLabels) values[label] = new Slot("{{" + label + "}}", false);
        return values;
    }
}
