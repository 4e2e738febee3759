using Origin.Binding;

namespace Origin.Settings;

public enum ExporterExposure
{
    /// <summary>Exporters listen on 127.0.0.1 only; scrape through an SSH tunnel.</summary>
    Loopback,
    /// <summary>Exporters listen on all addresses; the firewall admits only host.adminCidrs.</summary>
    AdminCidrs,
}

public sealed record MonitoringSettings
{
    [Doc("loopback, or adminCidrs (reachable from host.adminCidrs through the firewall).")]
    public ExporterExposure Exposure { get; init; } = ExporterExposure.Loopback;

    [Doc("Prometheus node exporter (Debian prometheus-node-exporter).")]
    public ExporterSettings Node { get; init; } = new() { Port = 9100 };

    [Doc("Prometheus nginx exporter, scraping stub_status (Debian prometheus-nginx-exporter).")]
    public ExporterSettings Nginx { get; init; } = new() { Port = 9113 };

    [Doc("Prometheus Redis exporter (Debian prometheus-redis-exporter).")]
    public ExporterSettings Redis { get; init; } = new() { Port = 9121 };
}

public sealed record ExporterSettings
{
    [Doc("Install and run this exporter.")]
    public bool Enabled { get; init; } = true;

    [Doc("Port it listens on.")]
    [Range(1024, 65535)]
    public int Port { get; init; } = 9100;
}
