using Origin.Plan;

namespace Origin.Tests;

/// <summary>The dial budgets, from pulumi-command's retry loop (core/Plan/DialBudget.cs cites it).</summary>
public sealed class DialBudgetTests
{
    private static readonly DialBudget ProviderDefault = new(10, 15);

    [Fact]
    public void The_provider_default_gives_up_on_a_refusing_host_in_11_s_as_issue_1238_reports()
    {
        Assert.Equal(11, ProviderDefault.Attempts);
        Assert.Equal(11.33, ProviderDefault.WhenRefused.TotalSeconds, precision: 2);
    }

    [Fact]
    public void The_provider_default_keeps_dialing_a_dropping_host_past_the_firewall_rollback()
    {
        // What let a confirm through after the 120 s rollback.
        Assert.True(ProviderDefault.WhenDropped > TimeSpan.FromSeconds(120), $"{ProviderDefault.WhenDropped}");
    }

    [Fact]
    public void The_converge_budget_covers_minutes_of_a_refusing_host_and_the_confirm_budget_half_a_minute_of_a_dropping_one()
    {
        Assert.Equal(261.33, DialBudget.Converge.WhenRefused.TotalSeconds, precision: 2);
        Assert.Equal(24.25, DialBudget.Confirm.WhenDropped.TotalSeconds, precision: 2);
    }
}
