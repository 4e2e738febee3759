using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// lib.sh's ensure_packages in the step sandbox (stand-ins for apt-get, dpkg and dpkg-query that keep
/// dpkg's states): an install killed in the middle leaves unconfigured packages, which the next run
/// configures before installing, with no service started by either and no policy-rc.d of the stack's
/// left behind; an operator's own policy-rc.d is never touched.
/// </summary>
public sealed class PackageInstallTests : IDisposable
{
    private const string PolicyRcD = "/usr/sbin/policy-rc.d";
    private readonly StepSandbox _host = new();
    private readonly string _script;

    public PackageInstallTests()
    {
        var library = Stacks.ProdPlan()["packages"].Library;
        Directory.CreateDirectory(_host["/usr/sbin"]);
        // Relocated like every staged script: its policy-rc.d is the sandbox's, never this machine's.
        _host.Put(Step.StateDir + "/stage/packages-test/lib.sh", _host.Relocate(library));
        Assert.DoesNotContain(" " + PolicyRcD, _host.Relocate(library));
        _host.Put(Step.StateDir + "/stage/packages-test/apply.sh",
            "set -Eeuo pipefail\nreadonly STEP=packages-test\n. \"$(dirname \"${BASH_SOURCE[0]}\")/lib.sh\"\nensure_packages redis-server nginx-common ffmpeg\nfinish_apply\n");
        _script = Step.Bounded("packages-test apply", "", Step.StateDir + "/stage/packages-test/apply.sh", 60);
    }

    public void Dispose() => _host.Dispose();

    private string State(string package) => File.ReadAllText(Path.Combine(_host.Fake, "dpkg", package)).Trim();
    private string AptLog => File.ReadAllText(Path.Combine(_host.Fake, "apt.log"));

    [Fact]
    public void An_install_killed_mid_dpkg_is_configured_and_finished_by_the_next_run_with_no_policy_left()
    {
        File.WriteAllText(Path.Combine(_host.Fake, "power-off"), "apt-get install");

        var killed = _host.Run(_script);

        Assert.True(killed.ExitCode == 137, killed.Output);
        Assert.Equal("unpacked", State("redis-server"));
        // SIGKILL: no trap ran, the stack's policy-rc.d is still there.
        Assert.NotNull(_host.Read(PolicyRcD));

        var retry = _host.Run(_script);

        Assert.True(retry.ExitCode == 0, retry.Output);
        Assert.Contains("dpkg --configure -a", retry.Stderr);
        Assert.All(new[] { "redis-server", "nginx-common", "ffmpeg" }, p => Assert.Equal("installed", State(p)));
        Assert.Null(_host.Read(PolicyRcD));
        // No service could start at any point: the policy held through the install, the configure and the retry's install.
        Assert.DoesNotContain("absent", AptLog);
        Assert.Contains("configure: policy-rc.d held", AptLog);
    }

    [Fact]
    public void An_operators_own_policy_rc_d_stays_as_it_was()
    {
        const string Own = "#!/bin/sh\n# the operator's: no starts during maintenance\nexit 101\n";
        _host.Put(PolicyRcD, Own, "755");

        var run = _host.Run(_script);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(Own, _host.Read(PolicyRcD));
    }

    [Fact]
    public void A_failed_install_leaves_no_policy_of_the_stacks()
    {
        // dpkg's database left half configured by something the stack did not do, and a configure that fails.
        Directory.CreateDirectory(Path.Combine(_host.Fake, "dpkg"));
        File.WriteAllText(Path.Combine(_host.Fake, "dpkg", "broken"), "unpacked\n");
        _host.Put(Step.StateDir + "/stage/packages-test/apply.sh",
            "set -Eeuo pipefail\nreadonly STEP=packages-test\n. \"$(dirname \"${BASH_SOURCE[0]}\")/lib.sh\"\napt-get() { return 100; }\nensure_packages ffmpeg\nfinish_apply\n");

        var run = _host.Run(_script);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Null(_host.Read(PolicyRcD));
    }
}
