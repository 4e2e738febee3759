using Origin.Rendering;

namespace Origin.Plan.Steps;

/// <summary>tmpfiles.d age rule on a timer, instead of the audit's cron find (AUDIT-NOTES #11).</summary>
internal static class CleanupStep
{
    public static Step Build(PlanContext c)
    {
        var s = c.Settings;
        var z = c.Sizing;
        var dir = Template.Token(s.Hls.Dir);
        var age = Template.Token(z.CleanupAge);
        var interval = Template.Token(s.Hls.CleanupInterval);
        var files = new List<HostFile>
        {
            PlanContext.File("/etc/tmpfiles.d/origin-hls.conf", "644", "root", "root", "cleanup/origin-hls.conf", new()
            {
                ["interval"] = interval,
                ["minimum_age"] = Template.Token(z.MinimumCleanupAge),
                ["age"] = age,
                ["dir"] = dir,
                ["user"] = Template.Token(s.Stream.User),
                ["age_seconds"] = Template.Token(z.CleanupAge.Seconds),
            }),
            PlanContext.File("/etc/systemd/system/origin-hls-cleanup.service", "644", "root", "root", "cleanup/origin-hls-cleanup.service", new()
            {
                ["age"] = age,
                ["dir"] = dir,
                ["user"] = Template.Token(s.Stream.User),
            }),
            PlanContext.File("/etc/systemd/system/origin-hls-cleanup.timer", "644", "root", "root", "cleanup/origin-hls-cleanup.timer", new()
            {
                ["interval"] = interval,
            }),
        };
        return PlanContext.Step("cleanup", "HLS cleanup (tmpfiles.d on a timer)", files, new(), new());
    }
}
