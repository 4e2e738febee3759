using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>The stream API under gunicorn (audit 8): its release, environment and sandboxed unit.</summary>
internal static class StreamServiceStep
{
    /// <summary>A start may wait this long for FFmpeg's first playlist: a little less than gunicorn's timeout.</summary>
    public static int StartTimeoutSeconds(StreamSettings s) => s.TimeoutSeconds - 2;

    public static Step Build(PlanContext c)
    {
        var s = c.Settings;
        var st = s.Stream;
        var hlsDir = Template.Token(s.Hls.Dir);
        var user = Template.Token(st.User);
        var unit = PlanContext.File("/etc/systemd/system/stream-api.service", "644", "root", "root", "stream-service/stream-api.service", new()
        {
            ["workers"] = Template.Token(st.Workers),
            ["threads"] = Template.Token(st.Threads),
            ["port"] = Template.Token(st.Port),
            ["hls_dir"] = hlsDir,
            ["playlist_prefix"] = Template.Token(s.Hls.PlaylistPrefix),
            ["user"] = user,
            ["install_dir"] = Template.Token(st.InstallDir),
            ["timeout"] = Template.Token(st.TimeoutSeconds),
            ["keep_alive"] = Template.Token(st.KeepAliveSeconds),
            ["wsgi_app"] = Template.Token(st.WsgiApp),
            ["limit_nofile"] = Template.Token(st.LimitNofile),
        });
        var env = PlanContext.File("/etc/origin-stack/stream-api.env", "644", "root", "root", "stream-service/stream-api.env", new()
        {
            ["hls_dir"] = hlsDir,
            ["url_prefix"] = Template.Token(s.Hls.UrlPrefix),
            ["playlist_prefix"] = Template.Token(s.Hls.PlaylistPrefix),
            ["segment_seconds"] = Template.Token(s.Hls.SegmentSeconds),
            ["init_seconds"] = Template.Token(s.Hls.InitSeconds),
            ["list_size"] = Template.Token(s.Hls.ListSize),
            ["delete_threshold"] = Template.Token(c.Sizing.DeleteThreshold),
            ["source_timeout"] = Template.Token(s.Hls.SourceTimeoutSeconds),
            ["start_segments"] = Template.Token(s.Hls.StartSegments),
            ["token_param"] = Template.Token(Tokens.ViewerTokens.Parameter),
            ["token_lifetime"] = Template.Token(st.TokenLifetime.Seconds),
            ["token_keys_file"] = Template.Token(NginxConfigStep.TokenKeysPath),
            ["start_timeout"] = Template.Token(StartTimeoutSeconds(st)),
            ["redis_port"] = Template.Token(s.Redis.Port),
            ["extra"] = Template.Lines(st.Environment.Select(kv => $"{Template.Token(kv.Key).Text}={(kv.Value.Value.Length == 0 ? "" : Template.Token(kv.Value).Text)}")),
        });
        var installDir = Template.Shell(st.InstallDir.Value);
        var release = st.Source.Kind == AppSourceKind.Local
            ? Template.Render("stream-service/release-local.sh", new())
            : Template.Render("stream-service/release-git.sh", new()
            {
                ["git_url"] = Template.Shell(st.Source.Url!.Value),
                ["git_ref"] = Template.Shell(st.Source.Ref!.Value),
            });
        return PlanContext.Step("stream-service", "stream API (gunicorn, FFmpeg per channel)", [unit, env],
            new()
            {
                ["install_dir"] = installDir, ["fetch_release"] = Template.Lines([release]), ["port"] = Template.Token(st.Port),
                ["redis_password_env"] = Template.Token(RedisStep.PasswordEnv),
            },
            new() { ["install_dir"] = installDir },
            inputs: st.Source.Kind == AppSourceKind.Local ? [PlanInput.AppDirectory] : [],
            reads: [Supply.RedisPassword]);
    }
}
