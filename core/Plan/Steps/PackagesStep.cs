using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>Debian packages every later step needs, and the stream service's user.</summary>
internal static class PackagesStep
{
    public static IReadOnlyList<string> Packages(OriginSettings s)
    {
        var packages = new List<string>
        {
            "ca-certificates", "curl", "openssl", "logrotate", "nftables",
            // nginx is built from source (nginx-build).
            "build-essential", "libpcre2-dev", "zlib1g-dev", "libssl-dev",
            "redis-server", "ffmpeg", "gunicorn", "python3",
        };
        packages.AddRange(s.Stream.PythonPackages.Select(p => p.Value));
        if (s.Stream.Source.Kind == AppSourceKind.Git) packages.Add("git");
        packages.AddRange(MonitoringStep.Exporters(s).Where(e => e.Settings.Enabled).Select(e => e.Package));
        return packages.Distinct().ToList();
    }

    public static Step Build(PlanContext c)
    {
        var user = Template.Token(c.Settings.Stream.User);
        return PlanContext.Step("packages", "Debian packages and the stream service user", [],
            new() { ["packages"] = Template.Words(Packages(c.Settings)), ["stream_user"] = user, ["nginx_user"] = Template.Token(c.Settings.Nginx.User) },
            new() { ["stream_user"] = user });
    }
}
