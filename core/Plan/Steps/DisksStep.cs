using Origin.Binding;
using Origin.Rendering;

namespace Origin.Plan.Steps;

/// <summary>udev rules: schedulers on member disks by class, read-ahead on md arrays (AUDIT-NOTES #5).</summary>
internal static class DisksStep
{
    public static Step Build(PlanContext c)
    {
        var d = c.Settings.Disks;
        var file = PlanContext.File("/etc/udev/rules.d/60-origin-io.rules", "644", "root", "root", "disks/io.rules", new()
        {
            ["rotational"] = Template.Token(SettingsBinder.EnumName(d.Rotational)),
            ["ssd"] = Template.Token(SettingsBinder.EnumName(d.Ssd)),
            ["nvme"] = Template.Token(SettingsBinder.EnumName(d.Nvme)),
            ["md_read_ahead_kb"] = Template.Token(d.MdReadAheadKb),
        });
        return PlanContext.Step("disks", "I/O schedulers and read-ahead (udev)", [file], new(), new());
    }
}
