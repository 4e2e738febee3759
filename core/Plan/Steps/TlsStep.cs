using Origin.Rendering;

namespace Origin.Plan.Steps;

/// <summary>The origin's TLS key, made on the host, and the request Cloudflare's Origin CA signs.</summary>
internal static class TlsStep
{
    public const string Name = "tls";

    /// <summary>The certificate request: the apply prints it (files/tls/apply.sh), and so does its update (<see cref="Step.UpdateCommandFor"/>).</summary>
    public const string RequestPath = "/etc/origin-stack/tls/origin.csr";

    public static Step Build(PlanContext c)
    {
        var record = c.Settings.Cloudflare.Record ?? throw new InvalidOperationException("cloudflare.record is validated before planning");
        return PlanContext.Step(Name, "origin TLS key and certificate request", [],
            new() { ["record"] = Template.Token(record) },
            new()) with { StdoutFile = RequestPath };
    }
}
