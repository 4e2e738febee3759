using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Origin.Binding;
using Origin.Plan;
using Origin.Settings;
using Origin.Tokens;
using StackExchange.Redis;

namespace Origin.Box;

/// <summary>A file of the plan as the box placed it under its root.</summary>
/// <param name="Relocated">False for files read through systemd-tmpfiles --root, which resolves their paths itself.</param>
public sealed record PlacedFile(string HostPath, string Rendered, string Placed, bool Relocated);

/// <summary>
/// The rendered prod origin, running on 127.0.0.1: Redis, the stream API fixture under gunicorn (which
/// starts FFmpeg per channel from a generated test source) and nginx, each from its rendered unit and
/// files with only the paths and ports of <see cref="Relocation"/> changed. Stopped and removed on dispose.
/// </summary>
public sealed class OriginBox : IAsyncDisposable
{
    /// <summary>The plan steps whose files the box runs.</summary>
    private static readonly string[] Steps = ["redis", "nginx-config", "stream-service", "cleanup", "monitoring"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public OriginSettings Settings { get; }
    public HostPlan Plan { get; }
    public HostRoot Root { get; } = new();
    public BoxPorts Ports { get; } = BoxPorts.Pick();
    public Relocation Relocation { get; }
    public IReadOnlyList<PlacedFile> Placed => _placed;
    /// <summary>The box's Redis as the API sees it (its password), for the tests' own reads.</summary>
    public IDatabase Redis => _redis.GetDatabase();
    /// <summary>Requests to nginx, as the edge sends them.</summary>
    public LoopbackHttp Edge { get; }
    /// <summary>Requests straight to the API, past nginx.</summary>
    public LoopbackHttp ApiDirect { get; }
    public UnitProcess RedisServer { get; private set; } = null!;
    public UnitProcess Api { get; private set; } = null!;
    public UnitProcess Nginx { get; private set; } = null!;

    private readonly List<PlacedFile> _placed = [];
    private string? _channelSource;
    private readonly string _redisPassword = RandomWord(32);
    private readonly ConnectionMultiplexer _redis;

    /// <summary>The key tokens are issued with (origin:tokenSecret).</summary>
    public string TokenKey { get; } = RandomWord(40);

    /// <summary>The key before a rotation (origin:tokenSecretPrevious): the box runs as during one, both keys valid.</summary>
    public string TokenKeyPrevious { get; } = RandomWord(40);

    private OriginBox(IReadOnlyList<(string Key, string Value)> overrides)
    {
        // The prod stack as committed; overrides (section.key=value, as the CLI's --set) only when asked for.
        var sections = StackConfig.ReadStackFile(Repo.ProdStack);
        foreach (var (key, value) in overrides) sections = StackConfig.With(sections, key, value);
        Settings = OriginConfig.Load(sections).Valid;
        Plan = HostPlan.Build(Settings, LoadRanges(Repo.LoopbackEdgeRanges));
        Relocation = Relocation.For(Settings, Root, Ports);
        // Not connected yet: the client keeps trying in the background until Redis serves (AbortOnConnectFail).
        _redis = ConnectionMultiplexer.Connect(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", Ports.Redis } },
            Password = _redisPassword,
            AbortOnConnectFail = false,
            AllowAdmin = true, // INFO, for the readiness below
        });
        Edge = new LoopbackHttp(Ports.Http);
        ApiDirect = new LoopbackHttp(Ports.Api);
    }

    /// <param name="productionBitrate">Channels at the stack's capacity.bitrateKbps in 720p, so segments weigh what they
    /// will in production (the benchmark); otherwise a light 1 Mbit/s 360p source (the tests).</param>
    /// <param name="overrides">Settings changed from Pulumi.prod.yaml, to measure a change before making it.</param>
    /// <param name="channelSource">The channels' CHANNEL_SOURCE (a URL: a live source the test controls); the generated file otherwise.</param>
    public static async Task<OriginBox> Start(bool productionBitrate = false, IReadOnlyList<(string Key, string Value)>? overrides = null, string? channelSource = null)
    {
        Tools.RequireBox();
        var box = new OriginBox(overrides ?? []) { _channelSource = channelSource };
        try
        {
            box.PlaceFiles();
            box.ProvideHost(productionBitrate ? (box.Settings.Capacity.BitrateKbps, "1280x720") : (1000, "640x360"));
            await box.StartServices();
            return box;
        }
        catch
        {
            await box.DisposeAsync();
            throw;
        }
    }

    public HlsSettings Hls => Settings.Hls;
    public string HlsDir => Root[Hls.Dir.Value];
    public string TokenParam => ViewerTokens.Parameter;
    public string PlaylistFile(string channel) => Path.Combine(HlsDir, $"{Hls.PlaylistPrefix}{channel}.m3u8");

    /// <summary>A playlist's URL path as a viewer has it from the app: the token a path segment, before the edge's rewrite.</summary>
    public string ViewerPlaylistPath(string channel, string token) => $"{Hls.UrlPrefix}{token}/{Hls.PlaylistPrefix}{channel}.m3u8";

    /// <summary>A playlist as the edge asks the origin for it: the rewritten path, the token with its channel in the query.</summary>
    public string PlaylistUrl(string channel, string? token) => Media($"{Hls.PlaylistPrefix}{channel}.m3u8", token);

    /// <summary>A playlist or segment (&lt;prefix&gt;&lt;id&gt;[_&lt;n&gt;].ext) as the edge's rewrite hands it on.</summary>
    public string Media(string file, string? token)
    {
        var stem = Path.GetFileNameWithoutExtension(file)[Hls.PlaylistPrefix.Value.Length..];
        var channel = file.EndsWith(".m3u8", StringComparison.Ordinal) ? stem : stem[..stem.LastIndexOf('_')];
        return $"{Hls.UrlPrefix}{file}" + (token is null ? "" : "?" + ViewerTokens.Query(channel, token));
    }

    /// <summary>A token for the channel, issued now (or at <paramref name="issuedAt"/>) with the current key (or <paramref name="key"/>).</summary>
    public string Token(string channel, string? key = null, long? issuedAt = null) =>
        ViewerTokens.Issue(key ?? TokenKey, channel, issuedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>
    /// Replaces the token keys file as a converge supplies it (the current key first), then reloads nginx
    /// as the nginx-config step does (its master reads the keys with the new configuration).
    /// </summary>
    public async Task RotateTokenKeys(string current, string? previous)
    {
        var keys = Plan["nginx-config"].Supplied.Single(f => f.Supply == Supply.TokenKeys);
        File.WriteAllText(Root[keys.Path], keys.Render(Supplies.JoinTokenKeys(current, previous)));
        await ReloadNginx();
    }

    /// <summary>
    /// `systemctl reload nginx` (the unit's ExecReload=), done when nginx says a reload is done: the
    /// master starts workers with the new configuration and asks the old ones to shut down gracefully
    /// (https://nginx.org/en/docs/control.html, "Changing Configuration"). Until the last old worker has
    /// gone, a request on a kept-alive connection may still be answered with the old configuration.
    /// </summary>
    public async Task ReloadNginx()
    {
        var before = NginxWorkers();
        await Nginx.Reload(TimeSpan.FromSeconds(20));
        await Poll.Until(() => NginxWorkers() is { Count: > 0 } now && !now.Intersect(before).Any(),
            TimeSpan.FromSeconds(20), "nginx's old workers to be replaced by the reloaded ones");
    }

    /// <summary>
    /// A token no other request has used: tokens are per channel and issue second, so the same second
    /// gives the same token (and the same per-token limit). These are issued in seconds counted back
    /// from a minute ago, one each, well inside the lifetime.
    /// </summary>
    public string DistinctToken(string channel) => Token(channel, issuedAt: Interlocked.Decrement(ref _distinctIssue));

    private long _distinctIssue = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60;

    /// <summary>Starts a channel as a viewer does: a playlist request through nginx, a cold start.</summary>
    public async Task StartChannel(string channel, string viewerIp)
    {
        var (status, body) = await Edge.GetText(PlaylistUrl(channel, Token(channel)), viewerIp);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"starting channel {channel}: {(int)status} {body}");
    }

    /// <summary>The pid of the channel's FFmpeg as the API recorded it, if it runs.</summary>
    public async Task<int?> FfmpegPid(string channel) =>
        (int?)await Redis.HashGetAsync($"stream:{channel}", "pid");

    /// <summary>Requests and accepted TCP connections the API counted (its /api/stats, read from Redis so reading does not count).</summary>
    public async Task<(long Requests, long Connections)> ApiCounters()
    {
        var values = await Redis.StringGetAsync(["api:requests", "api:connections"]);
        return ((long?)values[0] ?? 0, (long?)values[1] ?? 0);
    }

    /// <summary>What origin-hls-cleanup.timer starts, once.</summary>
    public Task<Run.Result> RunCleanup() => UnitProcess.RunOneshot(Unit("origin-hls-cleanup"), Root, TimeSpan.FromSeconds(30));

    /// <summary>What logrotate.timer runs, forced: the rendered /etc/logrotate.d/origin-nginx, with its own state file.</summary>
    public Run.Result RunLogrotate() =>
        Run.Capture(Tools.Logrotate, ["--force", "--state", Root["/var/lib/logrotate/status"], Root["/etc/logrotate.d/origin-nginx"]], TimeSpan.FromSeconds(30));

    /// <summary>The worker processes of the running nginx master.</summary>
    public IReadOnlyList<int> NginxWorkers() =>
        Processes.Children(Nginx.MainPid).Where(p => Processes.CommandLine(p) is [var title, ..] && title.Contains("worker process")).ToList();

    /// <summary>OnUnitActiveSec of origin-hls-cleanup.timer.</summary>
    public TimeSpan CleanupInterval => TimerInterval("origin-hls-cleanup");

    /// <summary>OnUnitActiveSec of a placed timer: how often it starts its service.</summary>
    public TimeSpan TimerInterval(string name) =>
        Origin.Values.Duration.TryParse(Unit(name, ".timer").Get("OnUnitActiveSec", "Timer") ?? "", out var d)
            ? TimeSpan.FromSeconds(d.Seconds)
            : throw new FormatException($"{name}.timer has no OnUnitActiveSec the box can read");

    /// <summary>A placed unit file (plus its drop-ins), as the box's runner reads it.</summary>
    public SystemdUnit Unit(string name, string suffix = ".service")
    {
        var path = $"/etc/systemd/system/{name}{suffix}";
        var dropIns = _placed.Where(f => f.HostPath.StartsWith(path + ".d/", StringComparison.Ordinal)).Select(f => f.Placed);
        // A unit the plan only drops into or configures is Debian's own (redis-server, the exporters, prometheus).
        var debian = $"/lib/systemd/system/{name}{suffix}";
        var main = _placed.SingleOrDefault(f => f.HostPath == path)?.Placed
            ?? (File.Exists(debian) ? Relocation.Apply(File.ReadAllText(debian)) : throw new KeyNotFoundException(path));
        return new SystemdUnit(name, [main, .. dropIns]);
    }

    private void PlaceFiles()
    {
        var supplies = new Supplies(_redisPassword, MakeCertificate(), Supplies.JoinTokenKeys(TokenKey, TokenKeyPrevious));
        foreach (var step in Steps.Select(name => Plan[name]))
        {
            foreach (var file in step.Files) Place(file.Path, file.Content);
            foreach (var file in step.Supplied) Place(file.Path, file.Render(supplies));
        }
        var unmapped = _placed.Where(f => f.Relocated).SelectMany(f => Relocation.UnmappedHostPaths(f.Placed).Select(p => $"{f.HostPath}: {p}")).ToList();
        if (unmapped.Count > 0) throw new InvalidOperationException("host paths the relocation does not map:\n  " + string.Join("\n  ", unmapped));
    }

    private void Place(string hostPath, string rendered)
    {
        // systemd-tmpfiles runs with --root=<root>: its rule keeps the host's paths.
        var relocate = !hostPath.StartsWith("/etc/tmpfiles.d/", StringComparison.Ordinal);
        var placed = relocate ? Relocation.Apply(rendered) : rendered;
        Root.Write(hostPath, placed);
        _placed.Add(new PlacedFile(hostPath, rendered, placed, relocate));
    }

    /// <summary>What the other steps and the host provide: the nginx build, users, directories, the app release, a channel source.</summary>
    private void ProvideHost((int Kbps, string Size) source)
    {
        var prefix = Settings.Nginx.Prefix.Value;
        Root.Write($"{prefix}/sbin/nginx",
            "#!/bin/sh\n" +
            $"# Stands in for the nginx the stack builds into {prefix}: Debian's nginx with that build's\n" +
            "# compiled-in paths (--prefix, --conf-path, --error-log-path), under the box's root.\n" +
            $"exec {Tools.Nginx} -p {Root[prefix]}/ -c {Root[prefix + "/nginx.conf"]} -e {Root["/var/log/nginx/error.log"]} \"$@\"\n",
            (UnixFileMode)0b111_101_101);
        File.Copy(Tools.NginxMimeTypes, Root[$"{prefix}/mime.types"]);
        // The build's dynamic perl module (the token check), as Debian builds it for its nginx.
        Directory.CreateDirectory(Root[$"{prefix}/modules"]);
        File.CreateSymbolicLink(Root[$"{prefix}/modules/ngx_http_perl_module.so"], Tools.NginxPerlModule);
        // The packages step creates the API's user; systemd-tmpfiles --root resolves it from here.
        var user = Settings.Stream.User.Value;
        Root.Write("/etc/passwd", $"root:x:0:0::/root:/bin/sh\n{user}:x:990:990::/nonexistent:/usr/sbin/nologin\n");
        Root.Write("/etc/group", $"root:x:0:\n{user}:x:990:\n");
        foreach (var dir in new[] { Hls.Dir.Value, "/var/log/nginx", "/var/cache/nginx", "/var/lib/redis", "/var/lib/logrotate" }) Root.CreateDirectory(dir);
        var release = Root[$"{Settings.Stream.InstallDir}/current"];
        Directory.CreateDirectory(Path.GetDirectoryName(release)!);
        File.CreateSymbolicLink(release, Repo.StreamApiFixture);
        TestSource.Generate(ChannelSource, Hls.SegmentSeconds, source.Kbps, source.Size);
    }

    /// <summary>The stream API fixture's CHANNEL_SOURCE: the file every channel plays.</summary>
    public string ChannelSource => Root["/srv/channel-source.ts"];

    private async Task StartServices()
    {
        RedisServer = await UnitProcess.Start(Unit("redis-server"), Root, RedisServes, StartTimeout);
        using var status = new LoopbackHttp(Ports.Status);
        Api = await UnitProcess.Start(Unit("stream-api"), Root,
            async () => (await ApiDirect.GetText("/api/health", null)).Status == HttpStatusCode.OK, StartTimeout,
            new Dictionary<string, string>
            {
                ["CHANNEL_SOURCE"] = _channelSource ?? ChannelSource,
                // The unit's read-only /opt (ProtectSystem=strict) has the same effect on the host.
                ["PYTHONDONTWRITEBYTECODE"] = "1",
            });
        Nginx = await UnitProcess.Start(Unit("nginx"), Root,
            async () => (await status.GetText("/stub_status", null)).Status == HttpStatusCode.OK, StartTimeout);
    }

    /// <summary>
    /// Redis serves once it has loaded its dataset: until then it answers every command but a few
    /// (INFO among them) with a LOADING error. INFO's persistence section says `loading:0` when
    /// the load is over (https://redis.io/docs/latest/commands/info/, "loading").
    /// </summary>
    public async Task<bool> RedisServes()
    {
        try
        {
            var persistence = await _redis.GetServer("127.0.0.1", Ports.Redis).InfoAsync("persistence");
            return persistence.SelectMany(section => section).Any(kv => kv is { Key: "loading", Value: "0" });
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            return false; // not up yet: the client reconnects by itself
        }
    }

    /// <summary>A self-signed certificate in place of the Origin CA one; the key where the TLS step makes it.</summary>
    private string MakeCertificate()
    {
        var key = Root.Write("/etc/origin-stack/tls/origin.key", "", (UnixFileMode)0b110_000_000);
        var pem = Root["/etc/origin-stack/tls/self-signed.crt"];
        Run.Capture(Tools.Openssl,
        [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", $"/CN={Settings.Cloudflare.Record}", "-keyout", key, "-out", pem,
        ]).OrThrow("making a self-signed certificate");
        return File.ReadAllText(pem);
    }

    private static DeployInputs LoadRanges(string path) => DeployInputs.FromJson(File.ReadAllText(path));

    private static string RandomWord(int length) => RandomNumberGenerator.GetHexString(length, lowercase: true);

    public async ValueTask DisposeAsync()
    {
        foreach (var service in new[] { Nginx, Api, RedisServer })
            if (service is not null) await service.DisposeAsync();
        Edge.Dispose();
        ApiDirect.Dispose();
        await _redis.DisposeAsync();
        Root.Dispose();
    }
}
