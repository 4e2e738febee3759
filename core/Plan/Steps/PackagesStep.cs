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
            // nginx is built from source (nginx-build); libperl-dev for its perl module (the token check),
            // which pulls in the Perl runtime and Digest::SHA (libperl5.36) the check uses.
            "build-essential", "libpcre2-dev", "zlib1g-dev", "libssl-dev", "libperl-dev",
            "redis-server", "ffmpeg", "gunicorn", "python3",
        };
        packages.AddRange(s.Stream.PythonPackages.Select(p => p.Value));
        if (s.Stream.Source.Kind == AppSourceKind.Git) packages.Add("git");
        packages.AddRange(MonitoringStep.Packages(s));
        return packages.Distinct().ToList();
    }

    public static Step Build(PlanContext c)
    {
        var user = Template.Token(c.Settings.Stream.User);
        return PlanContext.Step("packages", "Debian packages and the stream service user", [],
            new() { ["packages"] = Template.Words(Packages(c.Settings)), ["stream_user"] = user, ["nginx_user"] = Template.Token(c.Settings.Nginx.User) },
            new() { ["stream_user"] = user },
            // Some 290 packages on a fresh host: about 5 min under the VM rehearsal's emulation on an idle
            // machine, more than 30 min on a loaded one (measured: the step stopped at 1800 s).
            budgetSeconds: 3600);
    }
}
