using Origin.Rendering;

namespace Origin.Plan.Steps;

/// <summary>sysctl.d, each setting with its reason (audit 5 and 10, corrected by AUDIT-NOTES #7).</summary>
internal static class KernelStep
{
    public static Step Build(PlanContext c)
    {
        var sysctl = c.Settings.Kernel.Sysctl;
        var lines = sysctl.SelectMany(kv => new[]
        {
            "# " + kv.Value.Reason.Value,
            $"{Template.Token(kv.Key).Text} = {Template.Words(kv.Value.Value.Value.Split(' ')).Text}",
            "",
        });
        var file = PlanContext.File("/etc/sysctl.d/60-origin.conf", "644", "root", "root", "kernel/sysctl.conf", new()
        {
            ["settings"] = Template.Lines(lines.SkipLast(1)),
        });
        return PlanContext.Step("kernel", "kernel parameters (sysctl.d)", [file],
            new() { ["keys"] = Template.Words(sysctl.Keys) },
            new());
    }
}
