using Origin.Plan;
using Xunit;
using static Origin.Infra.Tests.StackRun;

namespace Origin.Infra.Tests;

/// <summary>
/// A connection change (a rotated origin:sshPrivateKey, a renumbered
/// dedicated.address) is an update of every command and upload, never a replacement, and nothing an
/// update runs changes the host. The mocks only ever create, so the engine's choice is played here
/// from two runs, as pulumi-command v1.2.1 makes it:
/// <list type="bullet">
/// <item>only a change of triggers replaces (provider/pkg/provider/common/inputs.go, replaceOnChanges); any other changed input is an update;</item>
/// <item>a Command's update runs `update`, or `create` when there is none (provider/pkg/provider/remote/commandController.go, Update);</item>
/// <item>a CopyToRemote's update copies only when the source's hash or the remote path changed (provider/pkg/provider/remote/copyController.go, Update).</item>
/// </list>
/// </summary>
public sealed class ConnectionChangeTests
{
    private const string RotatedKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nrotated-key-material\n-----END OPENSSH PRIVATE KEY-----\n";

    public static TheoryData<string> Changes => ["rotated key", "renumbered address"];

    private static StackFile Changed(string change) => change switch
    {
        "rotated key" => StackFile.Prod with { SshPrivateKey = RotatedKey },
        _ => StackFile.Prod.With("host.dedicated.address", "65.108.235.166"),
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_connection_change_updates_every_command_and_upload_and_nothing_an_update_runs_changes_the_host(string change)
    {
        var before = await RunAsync(StackFile.Prod);
        var after = await RunAsync(Changed(change));
        var old = before.Mocks.Registered.Where(r => r.Type is Types.Command or Types.Copy).ToDictionary(r => r.Name!);
        var plan = after.Plan;

        foreach (var now in after.Mocks.Registered.Where(r => r.Type is Types.Command or Types.Copy))
        {
            var was = old[now.Name!];
            // verify.sh probes the token check on the DNS record's address, so a renumbered host re-runs it (a check)
            // and uploads it anew; nothing else of a connection change reaches a trigger.
            var probesTheAddress = change == "renumbered address" && Json(now.Inputs.GetValueOrDefault("create") ?? Json(now.Inputs.GetValueOrDefault("remotePath") ?? "")).Contains("verify.sh");
            if (!probesTheAddress)
                Assert.Equal(Json(was.Inputs.GetValueOrDefault("triggers") ?? "none"), Json(now.Inputs.GetValueOrDefault("triggers") ?? "none"));
            Assert.NotEqual(Json(was.Inputs["connection"]), Json(now.Inputs["connection"]));
            if (now.Type == Types.Copy)
            {
                Assert.Equal((Json(was.Inputs["source"]), was.Inputs["remotePath"]), (Json(now.Inputs["source"]), now.Inputs["remotePath"]));
                continue;
            }
            var runs = (string)(now.Inputs.GetValueOrDefault("update") ?? now.Inputs["create"]);
            Assert.True(IsHarmless(runs, plan), $"{now.Name}: its update runs {runs}");
        }
    }

    /// <summary>What an update may run: a check, or a command that only installs what differs.</summary>
    private static bool IsHarmless(string command, HostPlan plan) => IsHarmlessOnce(System.Text.RegularExpressions.Regex.Replace(command, "^: run [0-9a-f]{32}; ", ""), plan);

    private static bool IsHarmlessOnce(string command, HostPlan plan) =>
        command == HostPlan.VerifyCommand || command == plan.Release.ProbeCommand || command == plan.RecordStepsCommand
        || plan.Steps.Any(step =>
            command.StartsWith("test ", StringComparison.Ordinal) && command.Contains($"{Step.StateDir}/applied/{step.Name} ")
            || command == $"test -d {step.AppStageDir} || " + step.CheckAppStageCommand[$"test -d {step.AppStageDir} || ".Length..]
            || step.Supplied.Any(s => command == step.SupplyCommand(s))
            // A committing step applies again only a generation the host rolled back (FirewallCommitTests).
            || step.ConfirmScript is not null && command.StartsWith("if grep -qxF '", StringComparison.Ordinal) && command.Contains($" rolled-back' {step.CommitPath} ", StringComparison.Ordinal)
            || step.ConfirmScript is not null && command.StartsWith($"ORIGIN_STEP_HASH=", StringComparison.Ordinal) && command.Contains($"bash {step.ConfirmPath} "));

    [Fact]
    public async Task The_app_stage_is_cleared_only_when_the_app_changes_and_never_on_an_update()
    {
        var run = await RunAsync(StackFile.Prod);
        var clear = run.Inputs(Types.Command, "stream-service/app-clear");
        var step = run.Plan["stream-service"];

        Assert.Equal(step.ClearAppStageCommand, clear["create"]);
        Assert.Equal(step.CheckAppStageCommand, clear["update"]);
        Assert.DoesNotContain("rm ", (string)clear["update"]);
    }

    /// <summary>
    /// An apply updated for its connection only checks that the host holds its generation; the tls step's
    /// also prints its certificate request again, because the update's output replaces the stdout the
    /// certificate's csr is read from (commandOutputs.go@v1.2.1, run). That the printed request is the
    /// one the create printed is played on the step's real scripts in Origin.Core.Tests
    /// (EngineSequenceTests.The_tls_steps_update_prints_the_same_certificate_request_as_its_create).
    /// </summary>
    [Fact]
    public async Task An_apply_updated_for_its_connection_only_checks_that_the_host_holds_its_generation()
    {
        var run = await RunAsync(StackFile.Prod);

        foreach (var step in run.Plan.Steps)
        {
            var apply = run.Inputs(Types.Command, $"{step.Name}/apply");
            var generation = ((string)apply["create"])["ORIGIN_STEP_HASH=".Length..].Split(' ')[0];
            var update = (string)apply["update"];
            if (step.ConfirmScript is not null)
            {
                // The firewall: applied again only when the host records this generation rolled back.
                Assert.Matches($"^: run [0-9a-f]{{32}}; if grep -qxF '{generation} rolled-back' {step.CommitPath} 2> /dev/null; then .*; else ", update);
                Assert.EndsWith($"else {step.CheckAppliedCommandFor(generation)}; fi", update);
                continue;
            }
            var expected = step == run.Plan.CertificateRequestStep
                ? $"{step.CheckAppliedCommandFor(generation)} && cat /etc/origin-stack/tls/origin.csr"
                : step.CheckAppliedCommandFor(generation);
            Assert.Equal(expected, update);
            Assert.DoesNotContain("apply.sh", update);
        }
    }

    /// <summary>
    /// Two `up`s of the same stack: pulumi-command runs an update only for a changed input, and replaces only
    /// for changed triggers (inputs.go@v1.2.1). The firewall's apply update and its confirm differ from one
    /// run to the next, so both run on every `up` (a rolled-back generation is applied again and confirmed:
    /// FirewallCommitTests); nothing else differs, so nothing else runs.
    /// </summary>
    [Fact]
    public async Task Every_up_runs_the_firewalls_apply_update_and_confirm_and_nothing_else()
    {
        var first = await RunAsync(StackFile.Prod);
        var second = await RunAsync(StackFile.Prod);
        var old = first.Mocks.Registered.Where(r => r.Type is Types.Command or Types.Copy).ToDictionary(r => r.Name!);
        var changed = new List<string>();
        foreach (var now in second.Mocks.Registered.Where(r => r.Type is Types.Command or Types.Copy))
        {
            var was = old[now.Name!];
            Assert.Equal(Json(was.Inputs.GetValueOrDefault("triggers") ?? "none"), Json(now.Inputs.GetValueOrDefault("triggers") ?? "none"));
            Assert.Equal(Json(was.Inputs.GetValueOrDefault("create") ?? "none"), Json(now.Inputs.GetValueOrDefault("create") ?? "none"));
            if (Json(was.Inputs.Remove("connection")) != Json(now.Inputs.Remove("connection"))) changed.Add(now.Name!);
        }
        Assert.Equal(["firewall/apply", "firewall/confirm"], changed.Order());
    }

    /// <summary>
    /// The engine's sequence for the certificate after a connection change: the tls apply is updated
    /// (its triggers are unchanged, so pulumi-command does not replace it: inputs.go@v1.2.1), its stdout
    /// becomes what the update printed, and the certificate, whose csr forces a replacement
    /// (internal/services/origin_ca_certificate/schema.go@v5.19.1, RequiresReplace), is diffed against
    /// that. Played with the mocks' stdout of each command: the create's for a created command, and for
    /// an updated one the create's only where the update prints the same file the create ends by printing.
    /// </summary>
    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_connection_change_hands_the_certificate_the_same_request(string change)
    {
        var before = await RunAsync(StackFile.Prod);
        var after = await RunAsync(Changed(change));
        var was = before.Inputs(Types.Command, "tls/apply");
        var now = after.Inputs(Types.Command, "tls/apply");

        Assert.Equal(Json(was["triggers"]), Json(now["triggers"]));
        var update = (string)now["update"];
        var stdoutAfterUpdate = update.EndsWith(" && cat /etc/origin-stack/tls/origin.csr", StringComparison.Ordinal)
            && after.Plan.CertificateRequestStep.ApplyScript.TrimEnd().EndsWith("cat \"$csr\"", StringComparison.Ordinal)
            && after.Plan.CertificateRequestStep.ApplyScript.Contains("csr=$dir/origin.csr", StringComparison.Ordinal)
            && after.Plan.CertificateRequestStep.ApplyScript.Contains("dir=/etc/origin-stack/tls", StringComparison.Ordinal)
                ? OriginMocks.CertificateRequest
                : "";
        Assert.Equal(OriginMocks.CertificateRequest, before.Inputs(Types.OriginCaCertificate, "origin-certificate")["csr"]);
        Assert.Equal(before.Inputs(Types.OriginCaCertificate, "origin-certificate")["csr"], stdoutAfterUpdate);
    }
}
