using Origin.Rendering;

namespace Origin.Plan.Steps;

/// <summary>The HLS directory as a tmpfs mount unit, sized from the capacity settings (AUDIT-NOTES #12).</summary>
internal static class HlsStorageStep
{
    public static Step Build(PlanContext c)
    {
        var s = c.Settings;
        var z = c.Sizing;
        var unit = Systemd.MountUnitName(s.Hls.Dir);
        var sizeKib = z.TmpfsSize.Bytes / 1024;
        var reason = s.Hls.TmpfsSize is null
            ? $"{s.Capacity.Channels} channels x {s.Capacity.BitrateKbps} kbit/s x {z.Retention.Seconds} s retention x {Capacity.Sizing.TmpfsMargin} margin"
            : "hls.tmpfsSize from the stack config";
        var file = PlanContext.File("/etc/systemd/system/" + unit, "644", "root", "root", "hls-storage/hls.mount", new()
        {
            ["size_reason"] = Template.Comment(reason),
            ["size"] = Template.Token(z.TmpfsSize),
            ["dir"] = Template.Token(s.Hls.Dir),
            ["size_kib"] = Template.Token(sizeKib),
            ["user"] = Template.Token(s.Stream.User),
        });
        var unitSlot = Template.Shell(unit);
        var dir = Template.Shell(s.Hls.Dir.Value);
        return PlanContext.Step("hls-storage", "HLS directory on tmpfs", [file],
            new() { ["unit"] = unitSlot, ["dir"] = dir, ["size"] = Template.Token(z.TmpfsSize) },
            new() { ["unit"] = unitSlot, ["dir"] = dir });
    }
}
