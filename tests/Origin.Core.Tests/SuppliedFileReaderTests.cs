using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// lib.sh's track and watch in the step sandbox: the step that supplies a file (track) and a step whose
/// service reads it (watch, as the API and the Redis exporter watch the Redis password) each see a new
/// content once, whichever ran first, and a reader killed before its restart restarts on the retry.
/// </summary>
public sealed class SuppliedFileReaderTests : IDisposable
{
    private const string Secret = "/etc/origin-stack/redis-password.env";
    private readonly StepSandbox _host = new();

    public SuppliedFileReaderTests()
    {
        var library = _host.Relocate(Stacks.ProdPlan()["redis"].Library);
        foreach (var (step, call) in new[] { ("supplier", "track"), ("reader", "watch") })
        {
            _host.Put($"{Step.StateDir}/stage/{step}/lib.sh", library);
            _host.Put($"{Step.StateDir}/stage/{step}/apply.sh", _host.Relocate(
                $"set -Eeuo pipefail\nreadonly STEP={step}\n. \"$(dirname \"${{BASH_SOURCE[0]}}\")/lib.sh\"\n{call} {Secret}\n" +
                $"if changed_any {Secret}; then systemctl restart {step}.service; fi\nfinish_apply\n"));
            _host.Put($"/etc/systemd/system/{step}.service", "[Service]\nExecStart=/bin/true\n");
        }
    }

    public void Dispose() => _host.Dispose();

    /// <summary>Runs a step's apply; true when it restarted its service.</summary>
    private bool Apply(string step, int expectedExit = 0)
    {
        _host.ForgetCalls();
        var run = _host.Run(Step.Bounded($"{step} apply", "", $"{Step.StateDir}/stage/{step}/apply.sh", 30));
        Assert.True(run.ExitCode == expectedExit, run.Output);
        return _host.SystemctlCalls.Contains($"restart {step}.service");
    }

    [Fact]
    public void The_supplier_and_every_reader_each_take_a_new_content_up_once()
    {
        _host.Put(Secret, "REDIS_PASSWORD=first-Redis-passw0rd\n", "600");
        Assert.True(Apply("supplier"));
        Assert.True(Apply("reader"));

        _host.Put(Secret, "REDIS_PASSWORD=second-Redis-passw0rd\n", "600");
        Assert.True(Apply("supplier"));
        // The supplier has recorded the new content already: the reader keeps its own record.
        Assert.True(Apply("reader"));

        Assert.False(Apply("supplier"));
        Assert.False(Apply("reader"));
    }

    [Fact]
    public void A_reader_killed_before_its_restart_restarts_on_the_retry()
    {
        _host.Put(Secret, "REDIS_PASSWORD=first-Redis-passw0rd\n", "600");
        Apply("supplier");
        Apply("reader");
        _host.Put(Secret, "REDIS_PASSWORD=second-Redis-passw0rd\n", "600");
        Apply("supplier");
        File.WriteAllText(Path.Combine(_host.Fake, "power-off"), "systemctl restart");

        Assert.False(Apply("reader", expectedExit: 137));

        Assert.True(Apply("reader"));
        Assert.False(Apply("reader"));
    }
}
