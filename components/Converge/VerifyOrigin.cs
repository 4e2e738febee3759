using Origin.Plan;
using Pulumi;
using Remote = Pulumi.Command.Remote;

namespace Origin.Infra;

/// <summary>
/// The end of every converge: the core's verify script on the host, which fails the `up` unless
/// nginx, the API, Redis and the nginx workers' open-file limit are what the plan configured. It runs
/// again whenever any step re-applies.
/// </summary>
internal sealed class VerifyOrigin : ComponentResource
{
    public VerifyOrigin(string name, HostPlan plan, Remote.Inputs.ConnectionArgs connection, HostIncarnation incarnation, IReadOnlyList<HostStep> steps, ComponentResourceOptions? options = null)
        : base("origin:host:Verify", name, options)
    {
        var script = new Remote.CopyToRemote($"{name}/verify.sh", new Remote.CopyToRemoteArgs
        {
            Connection = connection,
            Source = new StringAsset(plan.VerifyScript),
            RemotePath = HostPlan.VerifyPath,
            Triggers = new[] { incarnation.Trigger },
        }, incarnation.Options(this, steps[^1]));
        var run = new Remote.Command(name, new Remote.CommandArgs
        {
            Connection = connection,
            Create = HostPlan.VerifyCommand,
            // Read-only checks: a connection change just runs them again.
            Update = HostPlan.VerifyCommand,
            Triggers = new Input<object>[] { Digest.Sha256(plan.VerifyScript) }.Concat(steps.SelectMany(s => s.Triggers)).ToArray(),
            AddPreviousOutputInEnv = false,
            // One "ok" or "FAIL" line per check; the script reads the Redis password but never prints it.
            Logging = Remote.Logging.StdoutAndStderr,
        }, incarnation.Options(this, script));
        RegisterOutputs(new Dictionary<string, object?> { ["report"] = run.Stdout });
    }
}
