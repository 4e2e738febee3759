using Origin.Settings;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

/// <summary>The exporters, the HLS collector and the Prometheus that reads them.</summary>
internal static class MonitoringRules
{
    public static void Check(OriginSettings s, Findings f)
    {
        var m = s.Monitoring;
        if (!m.Node.Enabled)
            f.Error(Of("monitoring.node.enabled"), "true: the HLS health metrics and most alerts are read through the node exporter's textfile collector", "false");
        if (m.CollectInterval.Seconds < 1)
            f.Error(Of("monitoring.collectInterval"), "at least 1s", m.CollectInterval.ToString());
        if (m.Prometheus.ScrapeInterval.Seconds < 1)
            f.Error(Of("monitoring.prometheus.scrapeInterval"), "at least 1s", m.Prometheus.ScrapeInterval.ToString());
        // A stall must outlast the gap between two looks at the playlist, or a late collection looks like one.
        if (m.Alerts.StallFor.Seconds < m.CollectInterval.Seconds + m.Prometheus.ScrapeInterval.Seconds)
            f.Error(Of("monitoring.alerts.stallFor"), $"at least collectInterval + prometheus.scrapeInterval ({m.CollectInterval.Seconds + m.Prometheus.ScrapeInterval.Seconds}s), or one late collection fires it", m.Alerts.StallFor.ToString());
        if (m.Prometheus.Retention.Seconds < 86400)
            f.Warn(Of("monitoring.prometheus.retention"), "less than a day: the dashboard cannot compare today with yesterday");
        if (m.Prometheus.Mode == PrometheusMode.None)
        {
            if (m.Prometheus.TargetAddress is null && (s.Host.Mode == HostMode.Hcloud || s.Host.Dedicated.Address is null))
                f.Error(Of("monitoring.prometheus.targetAddress"), "the address your Prometheus scrapes the origin at (mode none; an hcloud server's address is only known once it exists)", "nothing");
            if (m.Exposure == ExporterExposure.Loopback)
                f.Warn(Of("monitoring.exposure"), "loopback with prometheus.mode none: your Prometheus can only reach the exporters through an SSH tunnel");
        }
    }
}
