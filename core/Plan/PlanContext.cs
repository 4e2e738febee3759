using Origin.Capacity;
using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan;

/// <summary>What every step builder needs: the settings, the deploy inputs, the derived sizes, and the helpers that render files and scripts.</summary>
internal sealed class PlanContext(OriginSettings settings, DeployInputs inputs)
{
    public OriginSettings Settings { get; } = settings;
    public DeployInputs Inputs { get; } = inputs;
    public Sizing Sizing { get; } = new(settings);
    public DebianRelease Release { get; } = DebianRelease.For(settings.Host.Release);

    public static HostFile File(string path, string mode, string owner, string group, string template, Dictionary<string, Slot> values) =>
        new(path, mode, owner, group, Template.Render(template, values), template);

    /// <summary>A supplied file and the script that installs it from stdin.</summary>
    public static SuppliedFile Supplied(string name, string path, string mode, string owner, string group, Supply supply, string template, string what) =>
        new(name, path, mode, owner, group, supply, template, Template.Render("lib/supply.sh", new()
        {
            ["path"] = Template.Token(path),
            ["mode"] = Template.Token(mode),
            ["owner"] = Template.Token(owner),
            ["group"] = Template.Token(group),
            ["what"] = Template.Comment(what),
        }));

    /// <summary>files/lib/script.sh followed by files/&lt;step&gt;/&lt;action&gt;.sh: sources lib.sh from its own directory.</summary>
    public static string Script(string step, string action, string summary, Dictionary<string, Slot> values) =>
        Template.Render("lib/script.sh", new()
        {
            ["step"] = Template.Token(step),
            ["action"] = Template.Token(action),
            ["summary"] = Template.Comment(summary),
        }) + Template.Render($"{step}/{action}.sh", values);

    public static Step Step(
        string name, string summary, IReadOnlyList<HostFile> files, Dictionary<string, Slot> applyValues, Dictionary<string, Slot> revertValues,
        IReadOnlyList<SuppliedFile>? supplied = null, string? confirm = null, IReadOnlyList<PlanInput>? inputs = null,
        int budgetSeconds = Plan.Step.DefaultBudgetSeconds, IReadOnlyList<Supply>? reads = null) =>
        new(name, summary, files, supplied ?? [], Library, Script(name, "apply", summary, applyValues), Script(name, "revert", summary, revertValues), confirm, inputs ?? [], budgetSeconds, Reads: reads);

    /// <summary>The functions every step script sources (files/lib/step.sh).</summary>
    public static readonly string Library = Template.Read("lib/step.sh");

    /// <summary>Lines that place each file with its mode and owner, for a step's apply script.</summary>
    public static Slot PlaceLines(IEnumerable<HostFile> files) =>
        Template.Lines(files.Select(f => $"place {Template.Shell(f.Path).Text} {f.Mode} {Template.Token(f.Owner).Text} {Template.Token(f.Group).Text}"));
}
