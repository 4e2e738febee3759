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
        // Debian's node exporter leaves these mounts out of node_filesystem_* (its default
        // --collector.filesystem.mount-points-exclude, prometheus-node-exporter --help): the tmpfs alert
        // would never see an HLS directory there.
        if (System.Text.RegularExpressions.Regex.IsMatch(s.Hls.Dir.Value, "^/(dev|proc|run|sys|mnt|media)($|/)"))
            f.Warn(Of("hls.dir"), "under a mount Debian's node exporter does not report: the HLS tmpfs alert cannot fire");
        var am = m.Alertmanager;
        var email = am.Email;
        if (email.To is not null)
        {
            if (email.From is null) f.Error(Of("monitoring.alertmanager.email.from"), "the alert mail's From: address (email.to is set)", "nothing");
            if (email.Smarthost is null) f.Error(Of("monitoring.alertmanager.email.smarthost"), "the SMTP relay as host:port (email.to is set)", "nothing");
        }
        if (m.Prometheus.Mode == PrometheusMode.Local && am.WebhookUrl is null && email.To is null)
            f.Warn(Of("monitoring.alertmanager"), "no receiver (webhookUrl or email.to): the alerts fire on the origin and reach no one");
        if (m.Prometheus.Mode == PrometheusMode.None)
        {
            if (am.WebhookUrl is not null || email.To is not null)
                f.Warn(Of("monitoring.alertmanager"), "receivers set with prometheus.mode none: no Alertmanager runs on the origin; route the handed-over rules through your own");
            if (m.Prometheus.TargetAddress is null && (s.Host.Mode == HostMode.Hcloud || s.Host.Dedicated.Address is null))
                f.Error(Of("monitoring.prometheus.targetAddress"), "the address your Prometheus scrapes the origin at (mode none; an hcloud server's address is only known once it exists)", "nothing");
            if (m.Exposure == ExporterExposure.Loopback)
                f.Warn(Of("monitoring.exposure"), "loopback with prometheus.mode none: your Prometheus can only reach the exporters through an SSH tunnel");
        }
    }
}
