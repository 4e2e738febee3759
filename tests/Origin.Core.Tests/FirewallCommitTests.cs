using System.Diagnostics;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// The firewall step's commit, run for real (its apply, confirm and rollback scripts, lib.sh, flock,
/// timeout) in a sandbox whose nft and systemd stand-ins let a test fire the rollback timer or reboot
/// at will: the confirm succeeds only by cancelling the rollback its own apply armed, and a rollback
/// puts the previous ruleset back live and on disk and unmarks the step.
/// </summary>
public sealed class FirewallCommitTests : IDisposable
{
    private const string Ruleset = "/etc/origin-stack/firewall.nft";
    private const string Commit = Step.StateDir + "/firewall.commit";
    private const string Applied = Step.StateDir + "/applied/firewall";

    private static readonly Step First = Stacks.ProdPlan("host.adminCidrs=[10.1.0.0/16]")["firewall"];
    private static readonly Step Second = Stacks.ProdPlan("host.adminCidrs=[10.2.0.0/16]")["firewall"];
    private static readonly Step Third = Stacks.ProdPlan("host.adminCidrs=[10.3.0.0/16]")["firewall"];

    private readonly StepSandbox _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>The step's ruleset as the sandbox has it (its nft shebang names the stand-in).</summary>
    private string RulesetOf(Step step) => _host.Relocate(step.Files.Single(f => f.Path == Ruleset).Content);
    private static string TimerOf(Step step) => $"origin-firewall-rollback-{step.ContentHash[..16]}.timer";

    private void Apply(Step step)
    {
        _host.Stage(step);
        var apply = _host.Run(step.ApplyCommand);
        Assert.True(apply.ExitCode == 0, apply.Output);
    }

    private Tool.Result Confirm(Step step) => _host.Run(step.ConfirmCommand!);

    private void ApplyAndConfirm(Step step)
    {
        Apply(step);
        var confirm = Confirm(step);
        Assert.True(confirm.ExitCode == 0, confirm.Output);
    }

    [Fact]
    public void The_confirm_cancels_the_rollback_its_own_apply_armed()
    {
        Apply(First);
        Assert.Equal($"{First.ContentHash} armed\n", _host.Read(Commit));
        Assert.Equal([TimerOf(First)], _host.Timers);
        Assert.Equal(RulesetOf(First), _host.Live);

        var confirm = Confirm(First);

        Assert.True(confirm.ExitCode == 0, confirm.Output);
        Assert.Empty(_host.Timers);
        Assert.Equal($"{First.ContentHash} confirmed\n", _host.Read(Commit));
        // Confirmed again (an update of the confirm) is still a success, and changes nothing.
        Assert.Equal(0, Confirm(First).ExitCode);
    }

    [Fact]
    public void A_confirm_that_comes_after_the_rollback_fails_and_the_previous_ruleset_is_back_live_and_on_disk()
    {
        ApplyAndConfirm(First);
        Apply(Second);

        var rollback = _host.Fire(TimerOf(Second));
        var late = Confirm(Second);

        Assert.True(rollback.ExitCode == 0, rollback.Output);
        Assert.Equal(RulesetOf(First), _host.Live);
        Assert.Equal(RulesetOf(First), _host.Read(Ruleset));
        Assert.Null(_host.Read(Applied));
        Assert.Equal($"{Second.ContentHash} rolled-back\n", _host.Read(Commit));
        Assert.NotEqual(0, late.ExitCode);
        Assert.Contains($"the ruleset of generation {Second.ContentHash} was rolled back", late.Stderr);
    }

    [Fact]
    public void A_confirm_of_another_generation_fails_and_leaves_the_rollback_armed()
    {
        ApplyAndConfirm(First);
        Apply(Second);

        var other = _host.Run(First.ConfirmCommand!);

        Assert.NotEqual(0, other.ExitCode);
        Assert.Contains("nothing to confirm for generation", other.Stderr);
        Assert.Equal([TimerOf(Second)], _host.Timers);
    }

    [Fact]
    public void A_rollback_that_loses_the_race_to_the_confirm_does_nothing()
    {
        ApplyAndConfirm(First);
        Apply(Second);
        var timer = Path.Combine(_host.Fake, "timers", TimerOf(Second));
        var rollback = File.ReadAllText(timer);
        Assert.Equal(0, Confirm(Second).ExitCode);

        // The timer elapsed while the confirm held the lock: its unit runs once the lock is free.
        File.WriteAllText(timer, rollback);
        Assert.Equal(0, _host.Fire(TimerOf(Second)).ExitCode);

        Assert.Equal(RulesetOf(Second), _host.Live);
        Assert.Equal($"{Second.ContentHash} confirmed\n", _host.Read(Commit));
        Assert.NotNull(_host.Read(Applied));
    }

    [Fact]
    public void A_reboot_inside_the_rollback_window_boots_the_last_confirmed_ruleset()
    {
        ApplyAndConfirm(First);
        Apply(Second);

        _host.Reboot();

        Assert.Equal(RulesetOf(First), _host.Live);
        Assert.Equal(RulesetOf(First), _host.Read(Ruleset));
        Assert.NotEqual(0, Confirm(Second).ExitCode);
    }

    /// <summary>
    /// A host that loses power anywhere in an apply boots the last confirmed ruleset: the new one
    /// reaches the disk, which is what the boot loads, only once its rollback is armed.
    /// </summary>
    [Theory]
    [InlineData("nft -c")]
    [InlineData("systemctl stop origin-firewall-rollback-")]
    [InlineData("systemd-run")]
    [InlineData("nft -f")]
    [InlineData("systemctl start origin-firewall.service")]
    public void A_power_cut_anywhere_in_an_apply_boots_the_last_confirmed_ruleset(string during)
    {
        ApplyAndConfirm(First);
        var cut = Path.Combine(_host.Fake, "power-off");
        File.WriteAllText(cut, during);
        _host.Stage(Second);

        var apply = _host.Run(Second.ApplyCommand);
        _host.Reboot();

        Assert.False(File.Exists(cut), $"the apply never ran {during}: {apply.Output}");
        // Killed, not failed: no trap of lib.sh put anything back (128 + SIGKILL, as the step's command line passes it on).
        Assert.True(apply.ExitCode == 137, apply.Output);
        Assert.Equal(RulesetOf(First), _host.Live);
        Assert.Equal(RulesetOf(First), _host.Read(Ruleset));
        Assert.NotEqual(0, Confirm(Second).ExitCode);
    }

    [Fact]
    public void The_apply_starts_the_firewall_unit_whose_rollback_leaves_the_armed_ruleset_alone()
    {
        ApplyAndConfirm(First);
        _host.Run("systemctl stop origin-firewall.service");

        // The unit's ExecStartPre is the rollback, which takes the commit lock: an apply that held it
        // across the start would wait on itself until the unit's start timeout (the VM converge did).
        var started = Stopwatch.StartNew();
        Apply(Second);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"the apply took {started.Elapsed}");
        Assert.True(File.Exists(Path.Combine(_host.Fake, "active", "origin-firewall.service")));
        // The timer is there: the rollback in ExecStartPre stood down.
        Assert.Equal(RulesetOf(Second), _host.Live);
        Assert.Equal($"{Second.ContentHash} armed\n", _host.Read(Commit));
        Assert.DoesNotContain("rolled back", _host.Journal);
    }

    [Fact]
    public void A_first_ruleset_rolled_back_leaves_no_origin_table_and_none_at_the_next_boot()
    {
        Apply(First);

        Assert.Equal(0, _host.Fire(TimerOf(First)).ExitCode);

        Assert.Null(_host.Live);
        Assert.Null(_host.Read(Ruleset));
        Assert.False(File.Exists(Path.Combine(_host.Fake, "enabled", "origin-firewall.service")));
    }

    [Fact]
    public void An_apply_over_an_unconfirmed_generation_takes_its_rollback_over_and_restores_the_last_confirmed_ruleset()
    {
        ApplyAndConfirm(First);
        Apply(Second);
        Apply(Third);

        Assert.Equal([TimerOf(Third)], _host.Timers);
        Assert.Equal(0, _host.Fire(TimerOf(Third)).ExitCode);

        Assert.Equal(RulesetOf(First), _host.Live);
        Assert.Equal(RulesetOf(First), _host.Read(Ruleset));
    }

    [Fact]
    public void An_unchanged_re_apply_arms_nothing_and_its_confirm_succeeds()
    {
        ApplyAndConfirm(First);
        var before = _host.Read(Commit);

        ApplyAndConfirm(First);

        Assert.Empty(_host.Timers);
        Assert.Equal(before, _host.Read(Commit));
    }

    public static TheoryData<string> RollbackCauses => ["the rollback timer fired", "the host rebooted in the window"];

    private void RollBack(Step step, string cause)
    {
        if (cause == "the rollback timer fired") Assert.Equal(0, _host.Fire(TimerOf(step)).ExitCode);
        else _host.Reboot();
        Assert.Equal($"{step.ContentHash} rolled-back\n", _host.Read(Commit));
    }

    /// <summary>
    /// The next `up` after a generation was rolled back (its confirm never ran, ran late, or could not dial):
    /// the apply is unchanged, so pulumi-command runs its update, not its create (commandController.go@v1.2.1,
    /// Update; HostStep runs it on every `up`), then the confirm, whose failed create left nothing in the
    /// state. The update applies the rolled-back generation again, which arms a new rollback, and the
    /// confirm from its new connection cancels it.
    /// </summary>
    [Theory]
    [MemberData(nameof(RollbackCauses))]
    public void A_rolled_back_generation_is_applied_again_by_the_next_ups_update_and_its_confirm_succeeds(string cause)
    {
        ApplyAndConfirm(First);
        Apply(Second);
        RollBack(Second, cause);
        // What the stuck step did before: its update only checked, and failed.
        Assert.NotEqual(0, _host.Run(Second.CheckAppliedCommandFor(Second.ContentHash)).ExitCode);

        var update = _host.Run(Second.UpdateCommand);

        Assert.True(update.ExitCode == 0, update.Output);
        Assert.Contains("applying it again", update.Stderr);
        Assert.Equal(RulesetOf(Second), _host.Live);
        Assert.Equal([TimerOf(Second)], _host.Timers);
        Assert.Equal($"{Second.ContentHash} armed\n", _host.Read(Commit));
        var confirm = Confirm(Second);
        Assert.True(confirm.ExitCode == 0, confirm.Output);
        Assert.Equal($"{Second.ContentHash} confirmed\n", _host.Read(Commit));
        Assert.Equal($"{Second.ContentHash}\n", _host.Read(Applied));
        Assert.Empty(_host.Timers);
        // A rollback that had been left armed with it restores the last confirmed ruleset, not the rolled-back one.
        Apply(Third);
        Assert.Equal(0, _host.Fire(TimerOf(Third)).ExitCode);
        Assert.Equal(RulesetOf(Second), _host.Live);
    }

    /// <summary>The same update on every other `up`: a confirmed generation is only checked, nothing is armed or loaded.</summary>
    [Fact]
    public void The_apply_update_of_a_confirmed_generation_changes_nothing()
    {
        ApplyAndConfirm(First);
        var before = (_host.Read(Commit), _host.Read(Ruleset), _host.Live);

        var update = _host.Run(First.UpdateCommand);

        Assert.True(update.ExitCode == 0, update.Output);
        Assert.Empty(_host.Timers);
        Assert.Equal(before, (_host.Read(Commit), _host.Read(Ruleset), _host.Live));
        Assert.Equal(0, Confirm(First).ExitCode);
    }
}
