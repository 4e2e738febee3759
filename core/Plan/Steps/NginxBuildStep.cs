using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>nginx from a pinned, checksummed source tarball into the prefix the audited host uses.</summary>
public static class NginxBuildStep
{
    /// <summary>Options the stack sets itself; the config's configureFlags follow them.</summary>
    public static IReadOnlyList<string> ConfigureArguments(NginxSettings n) =>
    [
        $"--prefix={n.Prefix}",
        $"--sbin-path={n.Prefix}/sbin/nginx",
        $"--conf-path={n.Prefix}/nginx.conf",
        $"--pid-path={NginxConfigStep.PidFile}",
        "--error-log-path=/var/log/nginx/error.log",
        "--http-log-path=/var/log/nginx/access.log",
        .. TempPaths.Select(t => $"--http-{t}-temp-path={NginxConfigStep.TempDir}/{t}"),
        $"--user={n.User}",
        $"--group={n.User}",
        // The perl module's own Perl half (nginx.pm) goes into the prefix, next to the token check, not
        // into the system's site directories.
        $"--with-perl_modules_path={n.Prefix}/perl",
        .. n.ConfigureFlags.Select(f => f.Value),
    ];

    /// <summary>Every temp path ./configure knows: nginx creates each at start, module in use or not.</summary>
    private static readonly string[] TempPaths = ["client-body", "proxy", "fastcgi", "uwsgi", "scgi"];

    /// <summary>
    /// How long the old master may take to exit after QUIT: its workers finish what they send within
    /// worker_shutdown_timeout, then a margin for the master itself.
    /// </summary>
    public static int OldMasterSeconds => NginxConfigStep.WorkerShutdownTimeoutSeconds + 10;

    /// <summary>files/nginx-build/upgrade.sh for a master whose pid file is <paramref name="pidFile"/>; the tests run it against a real nginx.</summary>
    public static string Upgrade(string pidFile) => Template.Render("nginx-build/upgrade.sh", new()
    {
        ["pid_file"] = Template.Shell(pidFile),
        ["old_master_seconds"] = Template.Token(OldMasterSeconds),
    });

    internal static Step Build(PlanContext c)
    {
        var n = c.Settings.Nginx;
        var args = ConfigureArguments(n);
        // What the marker on the host records: rebuild when any of it changes.
        var buildId = $"nginx-{n.Version} sha256:{n.SourceSha256} {string.Join(' ', args)}";
        return PlanContext.Step("nginx-build", $"nginx {n.Version} built from source", [],
            new()
            {
                ["version"] = Template.Token(n.Version),
                ["prefix"] = Template.Shell(n.Prefix.Value),
                ["build_id"] = Template.Shell(buildId),
                ["sha256"] = Template.Token(n.SourceSha256),
                ["url"] = Template.Shell(n.SourceUrl.For(n.Version)),
                ["configure"] = new Slot(Sh.Words(args), false),
                ["upgrade"] = Template.Lines([Upgrade(NginxConfigStep.PidFile)]),
            },
            new() { ["prefix"] = Template.Shell(n.Prefix.Value) },
            // The download and the compile: about 4 min under the VM rehearsal's emulation on an idle
            // machine, several times that on a loaded one.
            budgetSeconds: 3600);
    }
}
