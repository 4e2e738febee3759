using System.Net.Sockets;
using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>The Prometheus scrape jobs of the origin's exporters (files/monitoring/prometheus.yml).</summary>
internal static class ScrapeConfig
{
    public const string RulesFile = "origin-rules.yml";

    /// <summary>Where Prometheus reaches the exporters: loopback for a local one, else the origin's address.</summary>
    public static string TargetHost(OriginSettings s)
    {
        if (s.Monitoring.Prometheus.Mode == PrometheusMode.Local) return "127.0.0.1";
        var address = s.Monitoring.Prometheus.TargetAddress ?? s.Host.Dedicated.Address
            ?? throw new InvalidOperationException("monitoring.prometheus.targetAddress is validated before planning");
        return address.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }

    public static Dictionary<string, Slot> Values(OriginSettings s)
    {
        var m = s.Monitoring;
        var host = TargetHost(s);
        // Every series is labelled with the origin's public name, not host:port, so dashboards and alerts name it.
        var instance = Template.Token(s.Cloudflare.Record ?? throw new InvalidOperationException("cloudflare.record is validated before planning")).Text;
        var jobs = new List<string>();
        void Job(string name, int port)
        {
            jobs.Add($"  - job_name: {name}");
            jobs.Add("    static_configs:");
            jobs.Add($"      - targets: [\"{Template.Token(host).Text}:{port}\"]");
            jobs.Add("        labels:");
            jobs.Add($"          instance: {instance}");
        }
        foreach (var e in MonitoringStep.Exporters(s).Where(e => e.Settings.Enabled)) Job($"origin-{e.Name}", e.Settings.Port);
        if (m.Prometheus.Mode == PrometheusMode.Local) Job("prometheus", m.Prometheus.Port);
        return new()
        {
            ["purpose"] = Template.Comment(m.Prometheus.Mode == PrometheusMode.Local
                ? "# The origin's own Prometheus (monitoring.prometheus.mode local) reads it, as /etc/default/prometheus says."
                : "# For your Prometheus (monitoring.prometheus.mode none): merge these jobs into its config, beside origin-rules.yml."),
            ["scrape_interval"] = Template.Token(m.Prometheus.ScrapeInterval),
            ["jobs"] = Template.Lines(jobs),
            // The local Alertmanager gets every alert; with mode none the operator's Prometheus has its own.
            ["alerting"] = Template.Lines(m.Prometheus.Mode == PrometheusMode.Local
                ? ["", "alerting:", "  alertmanagers:", "    - static_configs:", $"        - targets: [\"127.0.0.1:{m.Alertmanager.Port}\"]"]
                : []),
        };
    }
}
