using Origin.Edge;
using Origin.Plan;
using Pulumi;
using Remote = Pulumi.Command.Remote;

namespace Origin.Infra;

/// <summary>
/// The host plan applied in its order, each step after the one before it. Between the step that makes
/// the host's certificate request and the step that installs the certificate, Cloudflare's Origin CA
/// signs the request: the private key stays on the host, only the request and the certificate travel.
/// </summary>
internal static class Converge
{
    /// <param name="tokenKeys">The keys file's content (secret). The step that supplies it waits for the edge's
    /// token rulesets: during a rotation the edge accepts the new key before the API issues with it.</param>
    public static IReadOnlyList<HostStep> Steps(HostPlan plan, OriginHost host, EdgePolicy edge, EdgeZone zone, Output<string> redisPassword,
        Output<string> tokenKeys, StreamApp? app, ComponentResourceOptions options)
    {
        var steps = new List<HostStep>();
        var run = Guid.NewGuid().ToString("N");
        Output<string>? certificate = null;
        Resource after = host;
        foreach (var step in plan.Steps)
        {
            Output<string> ValueOf(Supply supply) => supply switch
            {
                Supply.RedisPassword => redisPassword,
                Supply.TokenKeys => tokenKeys,
                Supply.OriginCertificate => certificate ?? throw new InvalidOperationException($"the {step.Name} step needs the origin certificate before the host has requested it"),
                _ => throw new ArgumentOutOfRangeException(nameof(supply), supply, "no deploy-time value for this supply"),
            };
            var hostStep = new HostStep(step, new HostStepArgs(
                host.Connection,
                host.ConfirmConnection,
                file => ValueOf(file.Supply).Apply(file.Render),
                ValueOf,
                step.Inputs.Contains(PlanInput.AppDirectory) ? app ?? throw new InvalidOperationException($"the {step.Name} step needs the app directory") : null,
                step.Supplied.Any(f => f.Supply == Supply.TokenKeys) ? [after, .. zone.TokenRulesets] : [after],
                run, host.Incarnation), options);
            if (step == plan.CertificateRequestStep)
                certificate = new OriginCertificate("origin-certificate", edge, hostStep.Apply.Stdout, options).Pem;
            steps.Add(hostStep);
            after = hostStep;
        }
        RecordSteps(plan, host, steps, options);
        return steps;
    }

    /// <summary>
    /// The host's record of the plan's steps, which a revert reads to tell a step that left the plan from a
    /// late delete of an older command of one still in it (files/lib/step.sh, begin_revert). After every
    /// step, so an `up` writes it before the deletes the engine runs at its end (performPostSteps,
    /// pkg/resource/deploy/deployment_executor.go@v3.174.0). It has no delete: like every host-bound
    /// resource it goes with the host's incarnation (HostIncarnation), which runs none.
    /// </summary>
    private static void RecordSteps(HostPlan plan, OriginHost host, IReadOnlyList<HostStep> steps, ComponentResourceOptions options)
    {
        var own = host.Incarnation.Options(options.Parent, steps);
        own.ResourceTransformations.AddRange(options.ResourceTransformations);
        _ = new Remote.Command("plan-steps", new Remote.CommandArgs
        {
            Connection = host.Connection,
            Create = plan.RecordStepsCommand,
            // Writing the same list again changes nothing: a connection change may run it.
            Update = plan.RecordStepsCommand,
            Triggers = new[] { host.Incarnation.Trigger },
            AddPreviousOutputInEnv = false,
            Logging = Remote.Logging.Stderr,
        }, own);
    }
}
