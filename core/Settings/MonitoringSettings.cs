using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

public enum ExporterExposure
{
    /// <summary>Exporters listen on 127.0.0.1 only; scrape through an SSH tunnel.</summary>
    Loopback,
    /// <summary>Exporters listen on all addresses; the firewall admits only host.adminCidrs.</summary>
    AdminCidrs,
}

public enum PrometheusMode
{
    /// <summary>The operator's own Prometheus scrapes the origin; the stack renders the scrape jobs and rules to hand over.</summary>
    None,
    /// <summary>Debian's prometheus runs on the origin and scrapes it over loopback.</summary>
    Local,
}

public sealed record MonitoringSettings
{
    [Doc("loopback, or adminCidrs (reachable from host.adminCidrs through the firewall). Applies to the exporters and a local Prometheus.")]
    public ExporterExposure Exposure { get; init; } = ExporterExposure.Loopback;

    [Doc("Prometheus node exporter (Debian prometheus-node-exporter).")]
    public ExporterSettings Node { get; init; } = new() { Port = 9100 };

    [Doc("Prometheus nginx exporter, scraping stub_status (Debian prometheus-nginx-exporter).")]
    public ExporterSettings Nginx { get; init; } = new() { Port = 9113 };

    [Doc("Prometheus Redis exporter (Debian prometheus-redis-exporter).")]
    public ExporterSettings Redis { get; init; } = new() { Port = 9121 };

    [Doc("How often the HLS health collector (a systemd timer) writes its metrics for the node exporter's textfile collector.")]
    public Duration CollectInterval { get; init; } = Duration.FromSeconds(5);

    [Doc("The Prometheus that scrapes the origin.")]
    public PrometheusSettings Prometheus { get; init; } = new();

    [Doc("Alert thresholds, as shares of what the settings configure.")]
    public AlertSettings Alerts { get; init; } = new();

    [Doc("Where the local Prometheus's alerts go (mode local): Debian's Alertmanager on the origin, to a webhook and/or e-mail. With mode none, your Prometheus's Alertmanager routes them.")]
    public AlertmanagerSettings Alertmanager { get; init; } = new();
}

public sealed record AlertmanagerSettings
{
    [Doc("Port of the local Alertmanager, on 127.0.0.1 only: the local Prometheus sends its alerts there.")]
    [Range(1024, 65535)]
    public int Port { get; init; } = 9093;

    [Doc("Alertmanager posts every alert (firing and resolved) to this URL as JSON (its webhook format, version 4). It is written into the host's alertmanager.yml: a URL that is itself the credential (a chat service's incoming-webhook URL) is as secret as that file.")]
    public WebhookUrl? WebhookUrl { get; init; }

    [Doc("Alert mail, sent when email.to is set.")]
    public AlertEmailSettings Email { get; init; } = new();
}

public sealed record AlertEmailSettings
{
    [Doc("Who gets the alert mail.")]
    public EmailAddress? To { get; init; }

    [Doc("The mail's From: address (required with to).")]
    public EmailAddress? From { get; init; }

    [Doc("The SMTP relay Alertmanager hands the mail to, as host:port (required with to). It must accept the origin's mail without authentication (by its address, or a local MTA).")]
    public SmtpRelay? Smarthost { get; init; }

    [Doc("Refuse to send unless the relay offers STARTTLS.")]
    public bool RequireTls { get; init; } = true;
}

public sealed record ExporterSettings
{
    [Doc("Install and run this exporter.")]
    public bool Enabled { get; init; } = true;

    [Doc("Port it listens on.")]
    [Range(1024, 65535)]
    public int Port { get; init; } = 9100;
}

public sealed record PrometheusSettings
{
    [Doc("local: Debian's prometheus on the origin scrapes it and evaluates the alert rules; none: your own Prometheus does, from the scrape jobs and rules the stack renders into /etc/origin-stack/monitoring/.")]
    public PrometheusMode Mode { get; init; } = PrometheusMode.Local;

    [Doc("Port of the local Prometheus (on 127.0.0.1, or all addresses with exposure adminCidrs).")]
    [Range(1024, 65535)]
    public int Port { get; init; } = 9090;

    [Doc("scrape_interval and evaluation_interval.")]
    public Duration ScrapeInterval { get; init; } = Duration.FromSeconds(15);

    [Doc("How long the local Prometheus keeps samples (--storage.tsdb.retention.time).")]
    public Duration Retention { get; init; } = Duration.FromSeconds(15 * 86400);

    [Doc("Most disk the local Prometheus's samples may take (--storage.tsdb.retention.size); the oldest blocks go first.")]
    public ByteSize RetentionSize { get; init; } = ByteSize.FromGiB(4);

    [Doc("Address your Prometheus reaches the exporters at (mode none). Defaults to host.dedicated.address; required in hcloud mode, where the address is only known after creation.")]
    public IpAddressValue? TargetAddress { get; init; }
}

public sealed record AlertSettings
{
    [Doc("A channel is stalled when its playlist has not changed for this many target durations (its EXT-X-TARGETDURATION, never less than hls.segmentSeconds).")]
    [Range(2, 30)]
    public int StallSegments { get; init; } = 3;

    [Doc("for: of the stalled-channel and stale-playlist alerts.")]
    public Duration StallFor { get; init; } = Duration.FromSeconds(30);

    [Doc("Share of hls.tmpfsSize the HLS files may fill before the tmpfs alert.")]
    [Range(10, 99)]
    public int TmpfsPercent { get; init; } = 80;

    [Doc("Share of a process's configured LimitNOFILE (nginx.rlimitNofile, stream.limitNofile) in use before the descriptor alert.")]
    [Range(10, 99)]
    public int NofilePercent { get; init; } = 80;

    [Doc("Share of host.nicMbps the origin may send, over 5 minutes, before the egress alert.")]
    [Range(10, 99)]
    public int EgressPercent { get; init; } = 80;

    [Doc("Share of redis.maxmemory in use before the Redis alert (under noeviction, writes fail at maxmemory).")]
    [Range(10, 99)]
    public int RedisMemoryPercent { get; init; } = 80;

    [Doc("Share of channel starts the API may fail (5xx through nginx) over 5 minutes before the start alert.")]
    [Range(1, 100)]
    public int StartErrorPercent { get; init; } = 10;

    [Doc("Days before the Origin CA certificate expires that the certificate alert fires.")]
    [Range(1, 365)]
    public int CertificateDays { get; init; } = 30;
}
