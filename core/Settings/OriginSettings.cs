using Origin.Binding;

namespace Origin.Settings;

/// <summary>
/// The whole origin, from one stack config. Each property is one structured key of the Pulumi stack
/// (origin:host, origin:nginx, ...); nested keys are written origin:nginx.workerConnections in errors.
/// </summary>
public sealed record OriginSettings
{
    [Doc("The server and how to reach it.")] public HostSettings Host { get; init; } = new();
    [Doc("Kernel parameters.")] public KernelSettings Kernel { get; init; } = new();
    [Doc("I/O scheduler and read-ahead rules.")] public DiskSettings Disks { get; init; } = new();
    [Doc("HLS layout, segmenting and cleanup.")] public HlsSettings Hls { get; init; } = new();
    [Doc("nginx build and configuration.")] public NginxSettings Nginx { get; init; } = new();
    [Doc("Redis for tokens and stream state.")] public RedisSettings Redis { get; init; } = new();
    [Doc("The stream API service.")] public StreamSettings Stream { get; init; } = new();
    [Doc("The Cloudflare edge.")] public CloudflareSettings Cloudflare { get; init; } = new();
    [Doc("Prometheus exporters.")] public MonitoringSettings Monitoring { get; init; } = new();
    [Doc("The load the origin is sized for.")] public CapacitySettings Capacity { get; init; } = new();
}
