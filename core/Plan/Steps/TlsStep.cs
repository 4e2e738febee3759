using Origin.Rendering;

namespace Origin.Plan.Steps;

/// <summary>The origin's TLS key, made on the host, and the request Cloudflare's Origin CA signs.</summary>
internal static class TlsStep
{
    public const string Name = "tls";

    public static Step Build(PlanContext c)
    {
        var record = c.Settings.Cloudflare.Record ?? throw new InvalidOperationException("cloudflare.record is validated before planning");
        return PlanContext.Step(Name, "origin TLS key and certificate request", [],
            new() { ["record"] = Template.Token(record) },
            new());
    }
}
