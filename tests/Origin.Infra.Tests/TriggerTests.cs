using Xunit;

namespace Origin.Infra.Tests;

/// <summary>A change re-runs exactly the commands that apply it; an unchanged area does nothing.</summary>
public sealed class TriggerTests
{
    [Fact]
    public async Task A_disk_setting_changes_the_triggers_of_the_disks_step_and_the_verification_only()
    {
        var before = await Triggers(StackFile.Prod);
        var after = await Triggers(StackFile.Prod.With("disks.mdReadAheadKb", "4096"));

        Assert.Equal(["disks/apply", "verify"], Changed(before, after));
    }

    [Fact]
    public async Task A_new_redis_password_changes_the_triggers_of_redis_every_step_that_logs_in_to_it_and_the_verification_only()
    {
        var before = await Triggers(StackFile.Prod);
        var after = await Triggers(StackFile.Prod with { RedisPassword = "another-Redis-passw0rd-2" });

        // The API and the Redis exporter (monitoring) read it: both re-apply, and restart, with it.
        Assert.Equal(["monitoring/apply", "redis/apply", "stream-service/apply", "verify"], Changed(before, after));
    }

    [Fact]
    public async Task A_new_redis_password_gives_the_redis_commands_a_new_generation_so_the_old_revert_stands_down()
    {
        // pulumi-command runs the new apply before the replaced command's delete: that revert must see a newer apply.
        var before = await StackRun.RunAsync(StackFile.Prod);
        var after = await StackRun.RunAsync(StackFile.Prod with { RedisPassword = "another-Redis-passw0rd-2" });

        foreach (var command in new[] { "redis/apply", "stream-service/apply", "monitoring/apply" })
        {
            Assert.NotEqual(before.Inputs(Types.Command, command)["create"], after.Inputs(Types.Command, command)["create"]);
            Assert.NotEqual(before.Inputs(Types.Command, command)["delete"], after.Inputs(Types.Command, command)["delete"]);
        }
    }

    [Fact]
    public async Task New_cloudflare_ranges_change_the_triggers_of_the_firewall_nginx_and_the_verification_only()
    {
        var before = await Triggers(StackFile.Prod);
        var after = await Triggers(StackFile.Prod, new OriginMocks { Ipv4Ranges = ["10.11.0.0/16", "172.31.0.0/16", "100.64.0.0/10"] });

        Assert.Equal(["firewall/apply", "firewall/confirm", "nginx-config/apply", "verify"], Changed(before, after));
    }

    [Fact]
    public async Task An_unchanged_stack_has_unchanged_triggers()
    {
        Assert.Empty(Changed(await Triggers(StackFile.Prod), await Triggers(StackFile.Prod)));
    }

    /// <summary>The triggers of every command and upload, by name.</summary>
    private static async Task<Dictionary<string, string>> Triggers(StackFile stack, OriginMocks? mocks = null)
    {
        var run = await StackRun.RunAsync(stack, mocks);
        return run.Mocks.Registered.Where(r => r.Inputs.ContainsKey("triggers"))
            .ToDictionary(r => r.Name!, r => StackRun.Json(r.Inputs["triggers"]));
    }

    private static IEnumerable<string> Changed(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        return before.Where(t => after[t.Key] != t.Value).Select(t => t.Key).Order();
    }
}
