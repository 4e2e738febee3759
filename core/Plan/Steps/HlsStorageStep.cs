using Origin.Rendering;

namespace Origin.Plan.Steps;

/// <summary>The HLS directory as a tmpfs mount unit, sized from the capacity settings (AUDIT-NOTES #12).</summary>
internal static class HlsStorageStep
{
    public const string TmpSizeDropIn = "/etc/systemd/system/tmp.mount.d/origin-size.conf";

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
        List<HostFile> files = [file];
        string tmpApply = "", tmpRevert = "";
        // Where /tmp is a tmpfs too (Debian 13), its limit is set here and counted with the HLS tmpfs.
        if (z.TmpTmpfsSize is { } tmpSize)
        {
            files.Add(PlanContext.File(TmpSizeDropIn, "644", "root", "root", "hls-storage/tmp-size.conf", new()
            {
                ["size"] = Template.Token(tmpSize),
                ["size_kib"] = Template.Token(tmpSize.Bytes / 1024),
            }));
            tmpApply = Template.Render("hls-storage/tmp-size-apply.sh", new() { ["size"] = Template.Token(tmpSize) });
            tmpRevert = Template.Render("hls-storage/tmp-size-revert.sh", new());
        }
        return PlanContext.Step("hls-storage", "HLS directory on tmpfs", files,
            new() { ["unit"] = unitSlot, ["dir"] = dir, ["size"] = Template.Token(z.TmpfsSize), ["tmp"] = Template.Lines([tmpApply]) },
            new() { ["unit"] = unitSlot, ["dir"] = dir, ["tmp"] = Template.Lines([tmpRevert]) });
    }
}
