using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

public enum AppSourceKind
{
    /// <summary>A directory next to the Pulumi project, uploaded as an archive.</summary>
    Local,
    /// <summary>A git remote, cloned on the host at a pinned ref.</summary>
    Git,
}

public sealed record AppSource
{
    [Doc("local: upload a directory of the project; git: clone url at ref on the host.")]
    public AppSourceKind Kind { get; init; } = AppSourceKind.Local;

    [Doc("Directory of the app, relative to the Pulumi project (kind local). It must be in a git checkout with nothing uncommitted under it: exactly the files git tracks there are uploaded, so a .venv, a .env or caches never are.")]
    public RelativeDir? Path { get; init; } = new("app");

    [Doc("Git remote (kind git).")]
    public GitUrl? Url { get; init; }

    [Doc("Branch, tag or commit to deploy (kind git). Pin a tag or commit: a branch moves under you.")]
    public GitRef? Ref { get; init; }
}

/// <summary>The stream API: a Python WSGI app under gunicorn that starts FFmpeg in stream-copy mode (audit 8).</summary>
public sealed record StreamSettings
{
    [Doc("Where the app's code comes from.")]
    public AppSource Source { get; init; } = new();

    [Doc("WSGI entry point passed to gunicorn.")]
    public WsgiEntry WsgiApp { get; init; } = new("stream_api:app");

    [Doc("gunicorn --workers (audit 8).")]
    [Range(1, 64)]
    public int Workers { get; init; } = 4;

    [Doc("gunicorn --threads (audit 8). More than 1 selects the gthread worker, the one that keeps connections alive (AUDIT-NOTES #9).")]
    [Range(1, 64)]
    public int Threads { get; init; } = 2;

    [Doc("gunicorn --timeout, seconds (audit 8). Must exceed the time a cold channel takes to produce its first playlist, and stay below the 100 s after which Cloudflare answers 524.")]
    [Range(5, 600)]
    public int TimeoutSeconds { get; init; } = 30;

    [Doc("gunicorn --keep-alive, seconds. Longer than nginx.upstream.keepaliveTimeout so nginx closes idle connections first.")]
    [Range(1, 3600)]
    public int KeepAliveSeconds { get; init; } = 75;

    [Doc("Port gunicorn binds on 127.0.0.1 (audit 8: 5000).")]
    [Range(1024, 65535)]
    public int Port { get; init; } = 5000;

    [Doc("LimitNOFILE of the API unit; FFmpeg children inherit it (AUDIT-NOTES #8).")]
    [Range(1024, 1_048_576)]
    public int LimitNofile { get; init; } = 65_536;

    [Doc("System user the API and FFmpeg run as, and the cleanup; owns the HLS directory. Never root.")]
    public UnixName User { get; init; } = new("streamapi");

    [Doc("Releases are unpacked under <installDir>/releases and <installDir>/current points at the live one.")]
    public AbsolutePath InstallDir { get; init; } = new("/opt/streamapp");

    [Doc("How long a viewer token is valid after the API issued it: the ttl of Cloudflare's is_timed_hmac_valid_v0, checked the same way by nginx. A player whose token runs out gets 403 and must load a fresh URL from the app.")]
    public Duration TokenLifetime { get; init; } = Duration.FromSeconds(4 * 3600);

    [Doc("Debian packages the app imports.")]
    public IReadOnlyList<PackageName> PythonPackages { get; init; } = [new("python3-flask"), new("python3-redis")];

    [Doc("Extra environment for the app. The HLS_* variables and REDIS_* are set by the stack; variables that change what code loads (LD_*, PATH, PYTHON*, ...) are refused.")]
    public IReadOnlyDictionary<EnvName, EnvValue> Environment { get; init; } = new Dictionary<EnvName, EnvValue>();
}
