using System.Diagnostics;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// A hung command cannot hang the converge: every remote script runs under timeout(1) with its step's
/// budget, and a step stopped that way says what it was running and puts its files back.
/// </summary>
public sealed class StepBudgetTests
{
    [Fact]
    public void A_hung_systemctl_stops_the_step_at_its_budget_saying_what_hung_and_restores_its_files()
    {
        using var host = new StepSandbox();
        // The real firewall step with a 2 s budget; the stand-in systemctl never returns from "enable".
        var step = Stacks.ProdPlan()["firewall"] with { BudgetSeconds = 2 };
        File.WriteAllText(Path.Combine(host.Fake, "hang"), "enable");
        host.Stage(step);

        var clock = Stopwatch.StartNew();
        var apply = host.Run(step.ApplyCommand, timeoutSeconds: 30);

        Assert.Equal(124, apply.ExitCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2, 10);
        Assert.Contains("firewall: stopped while running: systemctl enable --quiet origin-firewall.service; restoring the files this run replaced", apply.Stderr);
        Assert.EndsWith("firewall apply: stopped after its budget of 2 s\n", apply.Stderr);
        // The files it had placed were new: the rollback removed them again.
        Assert.Null(host.Read("/etc/origin-stack/firewall.nft"));
        Assert.Null(host.Read(Step.StateDir + "/applied/firewall"));
    }

    [Fact]
    public void Every_remote_command_line_of_the_plan_is_bounded()
    {
        var plan = Stacks.ProdPlan();
        var lines = plan.Steps.SelectMany(s => new[] { s.ApplyCommand, s.RevertCommand, s.ConfirmCommand }
                .Concat(s.Supplied.Select(s.SupplyCommand)))
            .OfType<string>().Append(HostPlan.VerifyCommand).ToList();

        Assert.All(lines, line => Assert.Matches(@"^(ORIGIN_STEP_HASH=[0-9a-f]{64} )?timeout --kill-after=10 \d+ bash /var/lib/origin-stack/\S+\.sh \|\| ", line));
        Assert.Equal(3600, plan["packages"].BudgetSeconds);
        Assert.Equal(3600, plan["nginx-build"].BudgetSeconds);
        Assert.Equal(30, Step.ConfirmBudgetSeconds);
    }

    [Fact]
    public void Apt_waits_for_its_lock_for_a_bounded_time()
    {
        var library = Stacks.ProdPlan()["packages"].Library;

        Assert.Contains("apt-get update -qq -o DPkg::Lock::Timeout=300", library);
        Assert.Contains("apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300", library);
    }
}
