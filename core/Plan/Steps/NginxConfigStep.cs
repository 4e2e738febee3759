using Origin.Rendering;
using Origin.Settings;
using Origin.Tokens;

namespace Origin.Plan.Steps;

/// <summary>nginx.conf, Cloudflare realip ranges, the unit and log rotation. Tested with nginx -t before any reload.</summary>
public static class NginxConfigStep
{
    public const string CertificatePath = "/etc/origin-stack/tls/origin.crt";

    /// <summary>The viewer-token keys: read by nginx's master (root) and by the API's user, no one else.</summary>
    public const string TokenKeysPath = "/etc/origin-stack/token-keys";

    /// <summary>In the unit's RuntimeDirectory=nginx, the one place under /run its sandbox may write.</summary>
    public const string PidFile = "/run/nginx/nginx.pid";

    /// <summary>
    /// Where nginx keeps request bodies and proxied responses it buffers to disk. The build's default
    /// is under the prefix, which the unit's sandbox keeps read-only.
    /// </summary>
    public const string TempDir = "/var/cache/nginx";

    /// <summary>
    /// How long the workers of a replaced config (reload) or binary (upgrade) may finish what they send
    /// before nginx closes their connections (https://nginx.org/en/docs/ngx_core_module.html#worker_shutdown_timeout).
    /// A segment takes seconds; a stalled download or a keep-alive connection would hold an old worker,
    /// and the deleted segments it has open on the tmpfs, indefinitely. Under the unit's TimeoutStopSec=30,
    /// so a stop's QUIT ends before systemd's SIGKILL.
    /// </summary>
    public const int WorkerShutdownTimeoutSeconds = 20;

    /// <summary>The channel id pattern nginx matches, from a closed set of character classes.</summary>
    public static string ChannelIdRegex(HlsSettings h) =>
        (h.ChannelIdCharset == ChannelIdCharset.Digits ? "[0-9]" : "[A-Za-z0-9]") + $"{{1,{h.ChannelIdMaxLength}}}";

    internal static Step Build(PlanContext c)
    {
        var s = c.Settings;
        var n = s.Nginx;
        var prefix = n.Prefix.Value;
        var tokenParam = Template.Token(ViewerTokens.Parameter);
        var perIpBurst = Template.Token(n.RateLimits.PerIpBurst);
        var apiTimeout = Template.Token(s.Stream.TimeoutSeconds);
        var record = s.Cloudflare.Record ?? throw new InvalidOperationException("cloudflare.record is validated before planning");

        string Fragment(bool enabled, string name, Dictionary<string, Slot> values) =>
            enabled ? Template.Render($"nginx-config/fragments/{name}.conf", values) : "";

        var conf = PlanContext.File($"{prefix}/nginx.conf", "644", "root", "root", "nginx-config/nginx.conf", new()
        {
            ["user"] = Template.Token(n.User),
            ["pid_file"] = Template.Token(PidFile),
            ["worker_processes"] = Template.Token(n.WorkerProcesses == 0 ? "auto" : n.WorkerProcesses.ToString()),
            ["rlimit_nofile"] = Template.Token(n.RlimitNofile),
            ["worker_shutdown_timeout"] = Template.Token($"{WorkerShutdownTimeoutSeconds}s"),
            ["worker_connections"] = Template.Token(n.WorkerConnections),
            ["client_keepalive_timeout"] = Template.Token(n.ClientKeepaliveTimeout),
            ["prefix"] = Template.Token(prefix),
            ["per_ip_rate"] = Template.Token(n.RateLimits.PerIpRate),
            ["per_token_rate"] = Template.Token(n.RateLimits.PerTokenRate),
            ["token_param"] = tokenParam,
            ["limit_status"] = Template.Token(n.RateLimits.Status),
            ["api_port"] = Template.Token(s.Stream.Port),
            ["upstream_keepalive"] = Template.Token(n.Upstream.Keepalive),
            ["upstream_keepalive_timeout"] = Template.Token(n.Upstream.KeepaliveTimeout),
            ["listen_backlog"] = Template.Token(n.ListenBacklog),
            ["server_name"] = Template.Token(record),
            ["hls_dir"] = Template.Token(s.Hls.Dir),
            ["url_prefix"] = Template.Token(s.Hls.UrlPrefix),
            ["playlist_prefix"] = Template.Token(s.Hls.PlaylistPrefix),
            ["channel_id"] = new Slot(ChannelIdRegex(s.Hls), false),
            ["per_ip_burst"] = perIpBurst,
            ["per_token_burst"] = Template.Token(n.RateLimits.PerTokenBurst),
            ["playlist_max_age"] = Template.Token(c.Sizing.PlaylistMaxAge),
            ["file_cache_max"] = Template.Token(n.SegmentFileCache.Max),
            ["file_cache_inactive"] = Template.Token(n.SegmentFileCache.Inactive),
            ["file_cache_valid"] = Template.Token(n.SegmentFileCache.Valid),
            ["segment_max_age"] = Template.Token(n.SegmentMaxAge.Seconds),
            ["concurrent_starts"] = Template.Token(n.RateLimits.ConcurrentStartsPerIp),
            ["api_timeout"] = apiTimeout,
            ["api_location"] = Template.Lines([Fragment(n.ApiPrefix is not null, "api-location", new()
            {
                ["api_prefix"] = Template.Token(n.ApiPrefix?.Value ?? "/"),
                ["per_ip_burst"] = perIpBurst,
                ["api_timeout"] = apiTimeout,
            })]),
            ["status_port"] = Template.Token(n.StatusPort),
        });
        var realip = PlanContext.File($"{prefix}/conf.d/cloudflare-realip.conf", "644", "root", "root", "nginx-config/cloudflare-realip.conf", new()
        {
            ["ranges"] = Template.Lines(c.Inputs.CloudflareRanges.Select(r => $"set_real_ip_from {Template.Token(r).Text};")),
        });
        var unit = PlanContext.File("/etc/systemd/system/nginx.service", "644", "root", "root", "nginx-config/nginx.service", new()
        {
            ["prefix"] = Template.Token(prefix),
            ["hls_dir"] = Template.Token(s.Hls.Dir),
            ["rlimit_nofile"] = Template.Token(n.RlimitNofile),
            ["pid_file"] = Template.Token(PidFile),
            ["user"] = Template.Token(n.User),
        });
        var logrotate = PlanContext.File("/etc/logrotate.d/origin-nginx", "644", "root", "root", "nginx-config/logrotate", new()
        {
            ["pid_file"] = Template.Token(PidFile),
        });
        var tokenCheck = PlanContext.File($"{prefix}/perl/OriginToken.pm", "644", "root", "root", "nginx-config/OriginToken.pm", new()
        {
            ["keys_file"] = Template.Token(TokenKeysPath),
            ["lifetime"] = Template.Token(s.Stream.TokenLifetime.Seconds),
            ["token_param"] = tokenParam,
            ["message_name"] = Template.Token(ViewerTokens.ChannelParameter),
        });
        var tokenKeys = PlanContext.Supplied("token-keys", TokenKeysPath, "640", "root", s.Stream.User.Value, Supply.TokenKeys,
            "nginx-config/token-keys", "the viewer-token keys, for nginx's token check and the API that issues tokens");
        var certificate = PlanContext.Supplied("origin-certificate", CertificatePath, "644", "root", "root", Supply.OriginCertificate,
            "", "the Origin CA certificate Cloudflare issued for this host's request");

        return PlanContext.Step("nginx-config", "nginx configuration", [conf, realip, tokenCheck, unit, logrotate],
            new() { ["prefix"] = Template.Shell(prefix), ["user"] = Template.Token(n.User) },
            new() { ["prefix"] = Template.Shell(prefix) },
            [tokenKeys, certificate], inputs: [PlanInput.CloudflareRanges, PlanInput.OriginCertificate]);
    }
}
