using Origin.Capacity;
using Origin.Settings;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

internal static class NginxRules
{
    /// <summary>Modules the rendered nginx.conf uses; a build without them fails `nginx -t`.
    /// The token check is embedded Perl, loaded with load_module: it must be the dynamic build.</summary>
    public static readonly IReadOnlyList<string> RequiredModules =
        ["--with-http_ssl_module", "--with-http_realip_module", "--with-http_stub_status_module", "--with-http_perl_module=dynamic"];

    /// <summary>Options the build sets itself: paths must agree with the unit and the plan.</summary>
    public static readonly string[] StackOwnedOptions =
        ["--prefix", "--sbin-path", "--conf-path", "--pid-path", "--lock-path", "--error-log-path", "--http-log-path", "--user", "--group", "--modules-path", "--with-perl_modules_path"];

    public static void Check(OriginSettings s, Sizing sizing, Findings f)
    {
        var n = s.Nginx;
        if (n.RlimitNofile < sizing.NginxDescriptorsPerWorker)
            f.Error(Of("nginx.rlimitNofile"),
                $"at least {sizing.NginxDescriptorsPerWorker} (2 x workerConnections {n.WorkerConnections} + segmentFileCache.max {n.SegmentFileCache.Max} + {Sizing.NginxFixedDescriptors})",
                n.RlimitNofile.ToString());
        if (sizing.SysctlNumber("net.core.somaxconn") is { } somaxconn && n.ListenBacklog > somaxconn)
            f.Error(Of("nginx.listenBacklog"), $"at most net.core.somaxconn ({somaxconn}); the kernel silently truncates a larger backlog", n.ListenBacklog.ToString());

        var flags = n.ConfigureFlags.Select(c => c.Value).ToList();
        foreach (var missing in RequiredModules.Where(m => !flags.Contains(m)))
            f.Error(Of("nginx.configureFlags"), $"a list that includes {missing} (the rendered nginx.conf uses it)", $"a list without it");
        foreach (var (flag, i) in n.ConfigureFlags.Select((c, i) => (c, i)).Where(x => StackOwnedOptions.Contains(x.c.Name)))
            f.Error(Of($"nginx.configureFlags[{i}]"), "an option the stack does not set itself (it sets " + string.Join(", ", StackOwnedOptions) + ")", Findings.Show(flag.Value));

        if (sizing.PlaylistMaxAge * 2 > s.Hls.SegmentSeconds)
            f.Error(Of("nginx.playlistMaxAge"), $"at most half a segment ({s.Hls.SegmentSeconds / 2}s): a cached playlist older than that makes players stall", sizing.PlaylistMaxAge.ToString());
        if (n.Upstream.KeepaliveTimeout.Seconds >= s.Stream.KeepAliveSeconds)
            f.Error(Of("nginx.upstream.keepaliveTimeout"),
                $"less than stream.keepAliveSeconds ({s.Stream.KeepAliveSeconds}s): otherwise gunicorn closes idle connections nginx still means to reuse",
                n.Upstream.KeepaliveTimeout.ToString());
        if (n.SegmentMaxAge.Seconds < s.Hls.SegmentSeconds)
            f.Error(Of("nginx.segmentMaxAge"), $"at least one segment ({s.Hls.SegmentSeconds}s)", n.SegmentMaxAge.ToString());
    }
}
