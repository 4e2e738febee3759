using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// The nginx-config step's apply run for real in the step sandbox (a stand-in nginx binary and
/// systemctl): which service action each kind of change leads to, and that an apply killed anywhere
/// between placing the files and the reload still ends, on its retry, with nginx on the new config.
/// </summary>
public sealed class NginxConfigStepTests : IDisposable
{
    private const string Service = "nginx.service";
    private readonly StepSandbox _host = new();

    public NginxConfigStepTests()
    {
        _host.Put("/opt/nginx/sbin/nginx", $"#!/bin/bash\nexec {Repo.Path("tests", "fixtures", "fake-host-tools", "fake-nginx")} \"$@\"\n", "755");
        // The build's own copy, which a revert puts back.
        _host.Put("/opt/nginx/nginx.conf.default", "events {}\n");
        // Supplied by the tls step and the token keys' supply before this step runs.
        _host.Put("/etc/origin-stack/tls/origin.crt", "certificate\n");
        _host.Put("/etc/origin-stack/token-keys", "key-one\n", "640");
    }

    public void Dispose() => _host.Dispose();

    private static Step Plan(params string[] changes) => Stacks.ProdPlan(changes)["nginx-config"];

    private Tool.Result Run(Step step)
    {
        _host.Stage(step);
        return _host.Run(step.ApplyCommand);
    }

    private void Apply(Step step)
    {
        var apply = Run(step);
        Assert.True(apply.ExitCode == 0, apply.Output);
    }

    /// <summary>What the apply asked of nginx.service: start, restart or reload.</summary>
    private IReadOnlyList<string> Actions => _host.SystemctlCalls
        .Select(c => c.Split(' '))
        .Where(w => w.Length == 2 && w[1] == Service && w[0] is "start" or "restart" or "reload" or "stop")
        .Select(w => w[0]).ToList();

    public static IEnumerable<object[]> Changes() =>
    [
        // A directive of nginx.conf: a reload; the running master re-reads it, its listeners stay open.
        [new[] { "nginx.workerConnections=12000" }, null!, "reload"],
        // The token keys (a rotation): read when nginx loads its configuration, so a reload too.
        [Array.Empty<string>(), "key-two\nkey-one\n", "reload"],
        // The unit's LimitNOFILE reaches only a new master: the one change that restarts.
        [new[] { "nginx.rlimitNofile=120000" }, null!, "restart"],
        // Nothing: nothing.
        [Array.Empty<string>(), null!, null!],
    ];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Each_change_leads_to_the_least_disruptive_action_that_takes_it_up(string[] changes, string? keys, string? action)
    {
        Apply(Plan());
        Assert.Equal(["start"], Actions);
        _host.ForgetCalls();
        if (keys is not null) _host.Put("/etc/origin-stack/token-keys", keys, "640");

        Apply(Plan(changes));

        Assert.Equal(action is null ? [] : [action], Actions);
    }

    [Fact]
    public void A_config_nginx_refuses_is_never_loaded_and_the_previous_one_is_back()
    {
        Apply(Plan());
        var before = _host.Read("/opt/nginx/nginx.conf");
        _host.ForgetCalls();
        File.WriteAllText(Path.Combine(_host.Fake, "nginx-t-fails"), "");

        var apply = Run(Plan("nginx.workerConnections=12000"));

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Equal(before, _host.Read("/opt/nginx/nginx.conf"));
        Assert.DoesNotContain("restart", Actions);
    }

    /// <summary>
    /// SIGKILL (no trap runs) at each call between the new files reaching their place and nginx taking
    /// them up; then the same apply again, as the next `up` runs it: nginx is reloaded (restarted for a
    /// unit change) onto the files now in place, and the step's pending record is gone.
    /// </summary>
    [Theory]
    [InlineData("nginx.workerConnections=12000", "nginx -t", "reload")]
    [InlineData("nginx.workerConnections=12000", "systemctl enable", "reload")]
    [InlineData("nginx.workerConnections=12000", "systemctl is-active", "reload")]
    [InlineData("nginx.workerConnections=12000", "systemctl reload", "reload")]
    [InlineData("nginx.rlimitNofile=120000", "systemctl daemon-reload", "restart")]
    [InlineData("nginx.rlimitNofile=120000", "systemctl restart", "restart")]
    public void An_apply_killed_before_nginx_took_up_its_files_is_finished_by_the_retry(string change, string killedAt, string action)
    {
        Apply(Plan());
        var next = Plan(change);
        var knob = Path.Combine(_host.Fake, "power-off");
        File.WriteAllText(knob, killedAt);

        var killed = Run(next);

        Assert.False(File.Exists(knob), $"the apply never ran {killedAt}: {killed.Output}");
        Assert.True(killed.ExitCode == 137, killed.Output);
        Assert.Equal(_host.Relocate(next.Files.Single(f => f.Path == "/opt/nginx/nginx.conf").Content), _host.Read("/opt/nginx/nginx.conf"));
        _host.ForgetCalls();

        Apply(next);

        Assert.Equal([action], Actions);
        Assert.Null(_host.Read(Step.StateDir + "/pending/nginx-config"));
        // And the run after that has nothing left to do.
        _host.ForgetCalls();
        Apply(next);
        Assert.Empty(Actions);
    }
}
