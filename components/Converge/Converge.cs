using Origin.Edge;
using Origin.Plan;
using Pulumi;

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
                step.Supplied.Any(f => f.Supply == Supply.TokenKeys) ? [after, .. zone.TokenRulesets] : [after]), options);
            if (step == plan.CertificateRequestStep)
                certificate = new OriginCertificate("origin-certificate", edge, hostStep.Apply.Stdout, options).Pem;
            steps.Add(hostStep);
            after = hostStep;
        }
        return steps;
    }
}
