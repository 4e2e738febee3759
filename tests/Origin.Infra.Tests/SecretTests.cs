using Origin.Plan;
using Pulumi;
using Xunit;
using Remote = Pulumi.Command.Remote;

namespace Origin.Infra.Tests;

/// <summary>The SSH key and the Redis password reach only secret inputs, and no output or log-facing input shows them.</summary>
public sealed class SecretTests
{
    [Fact]
    public async Task Every_input_that_carries_a_secret_is_secret()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        string[] secrets = [StackFile.TestRedisPassword, StackRun.Json(StackFile.TestSshPrivateKey)[1..^1], StackFile.TestTokenSecret];
        var carriers = 0;
        foreach (var registered in run.Mocks.Registered)
        {
            var args = run.Construction(registered.Type!, registered.Name!).Args!;
            foreach (var (key, value) in registered.Inputs.Where(i => secrets.Any(StackRun.Json(i.Value).Contains)))
            {
                carriers++;
                Assert.True(await StackRun.IsSecretInput(args, key), $"{registered.Type} {registered.Name}: input {key} carries a secret in the clear");
            }
        }
        // What carries one: every connection (the key), the stdin of the two Redis files (the password) and
        // of the token keys file. The prod zone is on Free: no token rule carries the keys there (EdgeTests).
        Assert.Equal(run.OfType(Types.Command).Count() + run.OfType(Types.Copy).Count() + run.Plan["redis"].Supplied.Count + 1, carriers);
    }

    [Fact]
    public async Task The_redis_files_arrive_on_secret_stdin_and_their_hashes_trigger_the_apply_as_secrets()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        var redis = run.Plan["redis"];
        foreach (var file in redis.Supplied)
        {
            var construction = run.Construction(Types.Command, $"redis/supply-{file.Name}");
            var supply = (Remote.CommandArgs)construction.Args!;
            Assert.Contains("stdin", ((CustomResourceOptions)construction.Options).AdditionalSecretOutputs);
            Assert.True(await Output.IsSecretAsync(supply.Stdin!.ToOutput()));
            Assert.Equal(file.Render(StackFile.TestRedisPassword), await StackRun.Value(supply.Stdin!.ToOutput()));
        }
        var apply = (Remote.CommandArgs)run.Construction(Types.Command, "redis/apply").Args!;
        Assert.True(await Output.IsSecretAsync(apply.Triggers.ToOutput()));
        Assert.Contains(Digest.Sha256(redis.Supplied[0].Render(StackFile.TestRedisPassword)), await StackRun.Value(apply.Triggers.ToOutput()));
    }

    [Fact]
    public async Task Neither_secret_appears_in_any_output()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        var exports = new List<string>();
        foreach (var value in run.Outputs.Values)
            exports.Add(value is Output<string> output ? await StackRun.Value(output) : StackRun.Json(value!));

        Assert.Equal(6, exports.Count);
        Assert.DoesNotContain(exports, e => e.Contains(StackFile.TestRedisPassword) || e.Contains(StackFile.TestTokenSecret) || e.Contains("PRIVATE KEY"));
    }
}
