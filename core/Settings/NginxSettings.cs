using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

public sealed record NginxSettings
{
    [Doc("nginx release built from source.")]
    public ReleaseVersion Version { get; init; } = new("1.30.4");

    [Doc("SHA-256 of the source tarball; the build refuses any other bytes.")]
    public Sha256Hex SourceSha256 { get; init; } = new("4261dc90e9e47c1c4041276e9aaa3d48ebe2e664f728e14fa95ae6c67d57a08b");

    [Doc("Where the tarball is downloaded from; {version} is replaced by version.")]
    public SourceUrl SourceUrl { get; init; } = new("https://nginx.org/download/nginx-{version}.tar.gz");

    [Doc("Install prefix (the audited host uses /opt/nginx; nginx.conf lives directly in it).")]
    public AbsolutePath Prefix { get; init; } = new("/opt/nginx");

    [Doc("Extra ./configure options. --prefix, --conf-path and friends are set by the stack; realip, stub_status, ssl and the dynamic perl module (the token check) are required by the rendered config.")]
    public IReadOnlyList<ConfigureFlag> ConfigureFlags { get; init; } =
    [
        new("--with-http_ssl_module"), new("--with-http_realip_module"),
        new("--with-http_stub_status_module"), new("--with-http_perl_module=dynamic"), new("--with-pcre-jit"),
    ];

    [Doc("User the worker processes run as; never root.")]
    public UnixName User { get; init; } = new("www-data");

    [Doc("worker_processes; 0 means auto (one per CPU).")]
    [Range(0, 256)]
    public int WorkerProcesses { get; init; }

    [Doc("worker_connections per worker (audit 2).")]
    [Range(64, 1_000_000)]
    public int WorkerConnections { get; init; } = 10_000;

    [Doc("worker_rlimit_nofile and the unit's LimitNOFILE (audit 2). Must cover 2 fds per connection plus the segment fd cache.")]
    [Range(1024, 1_048_576)]
    public int RlimitNofile { get; init; } = 100_000;

    [Doc("listen backlog. nginx asks the kernel for 511 unless told; raising somaxconn alone changes nothing.")]
    [Range(16, 65535)]
    public int ListenBacklog { get; init; } = 4096;

    [Doc("keepalive_timeout for the edge's connections. Longer than Cloudflare's 900 s Proxy Idle Timeout, so Cloudflare closes an idle connection before nginx does and never sends a request into nginx's close (a 520).")]
    public Duration ClientKeepaliveTimeout { get; init; } = Duration.FromSeconds(910);

    [Doc("Keep-alive from nginx to the stream API (AUDIT-NOTES #9).")]
    public UpstreamSettings Upstream { get; init; } = new();

    [Doc("Request limits, keyed after realip so they apply to viewers, not to Cloudflare edges (AUDIT-NOTES #4).")]
    public RateLimitSettings RateLimits { get; init; } = new();

    [Doc("Descriptor cache for segments only; playlists are never served from cached descriptors (AUDIT-NOTES #1, #2).")]
    public SegmentFileCacheSettings SegmentFileCache { get; init; } = new();

    [Doc("Cache-Control max-age of playlists, seconds. At most half a segment; computed as that when not given.")]
    [Range(0, 30)]
    public int? PlaylistMaxAge { get; init; }

    [Doc("Cache-Control max-age of segments. Segment names never repeat (epoch numbering), so they are immutable.")]
    public Duration SegmentMaxAge { get; init; } = Duration.FromSeconds(3600);

    [Doc("Loopback port of the stub_status endpoint the nginx exporter scrapes.")]
    [Range(1024, 65535)]
    public int StatusPort { get; init; } = 8080;

    [Doc("Public URL prefix proxied to the stream API (not cached at the edge); null to expose none.")]
    public UrlPrefix? ApiPrefix { get; init; } = new("/api/");
}

public sealed record UpstreamSettings
{
    [Doc("Idle keep-alive connections each worker keeps to the API (audit 8).")]
    [Range(1, 1024)]
    public int Keepalive { get; init; } = 32;

    [Doc("How long nginx keeps an idle API connection. Must be shorter than stream.keepAliveSeconds, or nginx reuses connections gunicorn has closed.")]
    public Duration KeepaliveTimeout { get; init; } = Duration.FromSeconds(60);
}

public sealed record RateLimitSettings
{
    [Doc("Requests per second per viewer IP on playlists and segments (audit 9).")]
    [Range(1, 100_000)]
    public int PerIpRate { get; init; } = 30;

    [Doc("Burst above perIpRate served without delay.")]
    [Range(0, 100_000)]
    public int PerIpBurst { get; init; } = 50;

    [Doc("Requests per second per viewer token (audit 9, token limit).")]
    [Range(1, 100_000)]
    public int PerTokenRate { get; init; } = 5;

    [Doc("Burst above perTokenRate served without delay.")]
    [Range(0, 100_000)]
    public int PerTokenBurst { get; init; } = 10;

    [Doc("Channel starts in flight per viewer IP. A limit_conn, because limit_req in @start_stream never runs: nginx evaluates limit_req once per request and the playlist location already did.")]
    [Range(1, 1000)]
    public int ConcurrentStartsPerIp { get; init; } = 2;

    [Doc("Status returned beyond a limit.")]
    [Range(400, 599)]
    public int Status { get; init; } = 429;
}

public sealed record SegmentFileCacheSettings
{
    [Doc("open_file_cache max: descriptors cached per worker.")]
    [Range(16, 1_000_000)]
    public int Max { get; init; } = 10_000;

    [Doc("open_file_cache inactive: a descriptor unused this long is closed.")]
    public Duration Inactive { get; init; } = Duration.FromSeconds(60);

    [Doc("open_file_cache_valid: how often a cached entry is re-checked.")]
    public Duration Valid { get; init; } = Duration.FromSeconds(60);
}
