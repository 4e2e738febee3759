using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// The host side of sequences the Pulumi engine and pulumi-command really play, run with the steps' real
/// scripts and command lines in the step sandbox. What the engine does is stated beside each test, with
/// the source it comes from; the program's side (which command line is a step's create, update and
/// delete) is pinned in tests/Origin.Infra.Tests.
/// </summary>
public sealed class EngineSequenceTests : IDisposable
{
    private const string Applied = Step.StateDir + "/applied/";

    private readonly StepSandbox _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>
    /// stdout as pulumi-command stores it: the session's output with one trailing newline removed
    /// (strings.TrimSuffix in CommandOutputs.run, provider/pkg/provider/remote/commandOutputs.go@v1.2.1).
    /// </summary>
    private static string Stored(Tool.Result run) => run.Stdout.EndsWith('\n') ? run.Stdout[..^1] : run.Stdout;

    private Tool.Result Ok(string commandLine)
    {
        var run = _host.Run(commandLine);
        Assert.True(run.ExitCode == 0, $"{commandLine}\n{run.Output}");
        return run;
    }

    /// <summary>
    /// A connection change (a rotated key, the host key, the address, the dial budget) is an update of
    /// the tls step's apply, and pulumi-command's update replaces its stdout with the update's own
    /// (commandOutputs.go@v1.2.1, run; commandController.go@v1.2.1, Update): the certificate's csr is
    /// that stdout, so the update must print exactly what the create printed, or the certificate is
    /// replaced with a request the Origin CA refuses. Then the tls step re-applied for a changed record
    /// (a replacement: a create) prints the new request, and its update prints that one.
    /// </summary>
    [Fact]
    public void The_tls_steps_update_prints_the_same_certificate_request_as_its_create()
    {
        var tls = Stacks.ProdPlan()["tls"];
        _host.Stage(tls);

        var created = Stored(Ok(tls.ApplyCommand));
        var updated = Stored(Ok(tls.UpdateCommand));
        var updatedAgain = Stored(Ok(tls.UpdateCommand));

        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----\n", created);
        Assert.EndsWith("-----END CERTIFICATE REQUEST-----", created);
        Assert.Equal(created, updated);
        Assert.Equal(created, updatedAgain);

        var renamed = Stacks.ProdPlan("cloudflare.record=edge.example.com")["tls"];
        _host.Stage(renamed);
        var recreated = Stored(Ok(renamed.ApplyCommand));
        Assert.NotEqual(created, recreated);
        Assert.Equal(recreated, Stored(Ok(renamed.UpdateCommand)));
        // The old generation's update (a stale state) is refused rather than printing the other request.
        Assert.NotEqual(0, _host.Run(tls.UpdateCommand).ExitCode);
    }

    public static TheoryData<string> Steps => ["tls", "firewall"];

    private static (Step G0, Step G1) Pair(string step) => step switch
    {
        "tls" => (Stacks.ProdPlan()["tls"], Stacks.ProdPlan("cloudflare.record=edge.example.com")["tls"]),
        _ => (Stacks.ProdPlan("host.adminCidrs=[10.1.0.0/16]")["firewall"], Stacks.ProdPlan("host.adminCidrs=[10.2.0.0/16]")["firewall"]),
    };

    /// <summary>A create of the step's apply (and the confirm the firewall's create is followed by).</summary>
    private void Create(Step step)
    {
        _host.Stage(step);
        Ok(step.ApplyCommand);
        if (step.ConfirmCommand is { } confirm) Ok(confirm);
    }

    /// <summary>What the applied generation keeps in place, as a reader of it sees it.</summary>
    private string? InPlace(Step step) => step.Name switch
    {
        "tls" => _host.Read("/etc/origin-stack/tls/origin.key") is null ? null : _host.Read("/etc/origin-stack/tls/origin.csr"),
        _ => _host.Live,
    };

    /// <summary>
    /// The engine's sequence after a failed `up`. Up #1 replaces the step's apply G0 with G1, creating G1
    /// first and marking G0 pending deletion (CreateStep.Apply sets old.Delete,
    /// pkg/resource/deploy/step.go@v3.174.0), then fails on a later resource: the deletes, which run only
    /// after every registration (performPostSteps, deployment_executor.go@v3.174.0), never come. Up #2
    /// deploys the previous commit: G1 is replaced by G0 again, a new create of G0; at its end
    /// GenerateDeletes (step_generator.go@v3.174.0) deletes G1 (replaced) and the G0 still pending
    /// deletion from up #1, in either order. Both reverts must stand down: the step is still in the plan,
    /// and G0 is what the host must keep.
    /// </summary>
    [Theory]
    [MemberData(nameof(Steps))]
    public void A_late_delete_of_an_old_generation_after_a_failed_up_leaves_the_applied_one_in_place(string name)
    {
        var (g0, g1) = Pair(name);
        var plan = Stacks.ProdPlan();
        // The first `up`: G0, then the record of the plan's steps.
        Create(g0);
        Ok(plan.RecordStepsCommand);
        // Up #1: G1 created, then a later resource fails.
        Create(g1);
        // Up #2: G0 again, the record written again, then the deletes of G1 and of the pending G0.
        Create(g0);
        var expected = InPlace(g0);
        Ok(plan.RecordStepsCommand);
        foreach (var order in new[] { new[] { g1, g0 }, [g0, g1] })
        {
            foreach (var deleted in order)
            {
                var revert = Ok(deleted.RevertCommand);
                Assert.Contains("still in the deployed plan", revert.Stderr);
            }
            Assert.NotNull(expected);
            Assert.Equal(expected, InPlace(g0));
            Assert.Equal($"{g0.ContentHash}\n", _host.Read(Applied + name));
        }
    }

    /// <summary>The same sequence on a host with no record of the plan's steps: the late G0 delete undoes the applied G0. What the record prevents.</summary>
    [Theory]
    [MemberData(nameof(Steps))]
    public void Without_the_record_of_the_plans_steps_the_late_delete_would_undo_the_applied_generation(string name)
    {
        var (g0, g1) = Pair(name);
        Create(g0);
        Create(g1);
        Create(g0);

        Ok(g1.RevertCommand);
        Assert.NotNull(InPlace(g0));
        Ok(g0.RevertCommand);

        Assert.Null(InPlace(g0));
    }

    /// <summary>
    /// A step that has really left the plan is reverted: the `up` that drops it records the remaining
    /// steps before its deletes, which the engine runs last (performPostSteps, deployment_executor.go@v3.174.0).
    /// </summary>
    [Theory]
    [MemberData(nameof(Steps))]
    public void A_step_that_left_the_plan_is_reverted(string name)
    {
        var (g0, _) = Pair(name);
        var plan = Stacks.ProdPlan();
        var without = plan with { Steps = plan.Steps.Where(s => s.Name != name).ToList() };

        Create(g0);
        Ok(plan.RecordStepsCommand);
        Ok(without.RecordStepsCommand);
        Ok(g0.RevertCommand);
        Assert.Null(InPlace(g0));
        Assert.Null(_host.Read(Applied + name));
    }
}
