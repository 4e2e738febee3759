using Pulumi;
using Pulumi.Testing;
using Xunit;
using static Origin.Infra.Tests.StackRun;

namespace Origin.Infra.Tests;

/// <summary>
/// A new host (a rebuilt, replaced or reinstalled server, another server at the address) is a new
/// host.incarnation, with no edit of the state. Played with the engine's rules for two runs:
/// <list type="bullet">
/// <item>a change of triggers replaces a command or an upload (replaceOnChanges on triggers: pulumi-command
/// provider/pkg/provider/common/inputs.go and remote/copy.go@v1.2.1), creating the new one first;</item>
/// <item>the replaced ones are deleted at the end of the `up`, each skipped when the resource it is deleted
/// with is deleted in the same deployment (isDeletedWith, DeleteStep.Apply, pkg/resource/deploy/step.go@v3.174.0),
/// as the replaced incarnation is (GenerateDeletes records every deleted URN, step_generator.go@v3.174.0).</item>
/// </list>
/// </summary>
public sealed class IncarnationTests
{
    private static bool HostBound(MockResourceArgs r) => r.Type is Types.Command or Types.Copy;

    [Fact]
    public async Task A_new_incarnation_makes_every_host_command_and_upload_again_and_no_old_delete_runs()
    {
        var before = await RunAsync(StackFile.Prod);
        var after = await RunAsync(StackFile.Prod.With("host.incarnation", "2"));
        var old = before.Mocks.Registered.Where(HostBound).ToDictionary(r => r.Name!);
        var incarnation = after.Construction(Types.LocalCommand, "origin-incarnation");

        Assert.NotEqual(Json(before.Inputs(Types.LocalCommand, "origin-incarnation")["triggers"]), Json(after.Inputs(Types.LocalCommand, "origin-incarnation")["triggers"]));
        var hostBound = after.Mocks.Registered.Where(HostBound).ToList();
        Assert.True(hostBound.Count > 30);
        foreach (var now in hostBound)
        {
            // Replaced: made again on the host the config names.
            Assert.NotEqual(Json(old[now.Name!].Inputs.GetValueOrDefault("triggers") ?? "none"), Json(now.Inputs.GetValueOrDefault("triggers") ?? "none"));
            // Its old self is deleted with the old incarnation, which this `up` deletes: the engine skips that delete.
            var options = (CustomResourceOptions)after.Construction(now.Type!, now.Name!).Options;
            Assert.Same(incarnation.Resource, options.DeletedWith);
        }
        // The same incarnation replaces nothing.
        var again = await RunAsync(StackFile.Prod);
        foreach (var now in again.Mocks.Registered.Where(HostBound))
            Assert.Equal(Json(old[now.Name!].Inputs.GetValueOrDefault("triggers") ?? "none"), Json(now.Inputs.GetValueOrDefault("triggers") ?? "none"));
    }

    [Fact]
    public async Task The_incarnation_resource_runs_nothing_anywhere()
    {
        var run = await RunAsync(StackFile.Prod);
        var inputs = run.Inputs(Types.LocalCommand, "origin-incarnation");
        Assert.False(inputs.ContainsKey("create"));
        Assert.False(inputs.ContainsKey("update"));
        Assert.False(inputs.ContainsKey("delete"));
    }
}
