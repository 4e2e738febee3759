using System.Text.Json;
using System.Text.Json.Serialization;

namespace Origin.Plan;

/// <summary>
/// The plan as a directory: every rendered host file under files/, each step's scripts under
/// steps/NN-name/ (with steps/lib.sh, which every step's stage gets beside its scripts), verify.sh,
/// and plan.json saying what goes where. The goldens are bundles of the
/// committed stacks; the VM rehearsal applies a bundle over SSH exactly as the Pulumi components do.
/// </summary>
public static class PlanBundle
{
    public sealed record FileEntry(string Path, string Mode, string Owner, string Group, string Template);
    public sealed record SuppliedEntry(string Name, string Path, string Mode, string Owner, string Group, string Supply, bool Secret, string Script, string Command);
    public sealed record StepEntry(
        string Name, string Summary, string Dir, string StageDir, string Hash,
        IReadOnlyList<FileEntry> Files, IReadOnlyList<SuppliedEntry> Supplied, IReadOnlyList<string> Inputs,
        string ApplyCommand, string RevertCommand, string? ConfirmCommand);
    /// <summary>The release the plan is rendered for, and the probe every converge starts with.</summary>
    public sealed record ReleaseEntry(int Number, string Codename, string ProbeCommand);
    public sealed record Manifest(ReleaseEntry Release, IReadOnlyList<StepEntry> Steps, string VerifyPath);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Where the bundle keeps lib.sh, which each step's stage directory gets a copy of.</summary>
    public const string LibraryPath = "steps/lib.sh";

    public static string StepDir(HostPlan plan, Step step) => $"steps/{plan.Steps.ToList().IndexOf(step) + 1:00}-{step.Name}";

    public static Manifest Describe(HostPlan plan) => new(
        new ReleaseEntry(plan.Release.Number, plan.Release.Codename, plan.Release.ProbeCommand),
        plan.Steps.Select(s => new StepEntry(
            s.Name, s.Summary, StepDir(plan, s), s.StageDir, s.ContentHash,
            s.Files.Select(f => new FileEntry(f.Path, f.Mode, f.Owner, f.Group, f.Template)).ToList(),
            s.Supplied.Select(f => new SuppliedEntry(f.Name, f.Path, f.Mode, f.Owner, f.Group, f.Supply.ToString(), f.IsSecret, $"supply-{f.Name}.sh", s.SupplyCommand(f))).ToList(),
            s.Inputs.Select(i => i.ToString()).ToList(),
            s.ApplyCommand, s.RevertCommand, s.ConfirmCommand)).ToList(),
        HostPlan.VerifyPath);

    /// <summary>Every file of the bundle, by path relative to its root, in a stable order.</summary>
    public static SortedDictionary<string, string> Files(HostPlan plan)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in plan.Steps)
        {
            var dir = StepDir(plan, step);
            foreach (var f in step.Files) files["files" + f.Path] = f.Content;
            foreach (var s in step.Supplied) files[$"{dir}/supply-{s.Name}.sh"] = s.InstallScript;
            files[$"{dir}/apply.sh"] = step.ApplyScript;
            files[$"{dir}/revert.sh"] = step.RevertScript;
            if (step.ConfirmScript is not null) files[$"{dir}/confirm.sh"] = step.ConfirmScript;
        }
        // Every step stages the same library beside its scripts; the bundle holds it once.
        files[LibraryPath] = PlanContext.Library;
        files["verify.sh"] = plan.VerifyScript;
        files["plan.json"] = JsonSerializer.Serialize(Describe(plan), Json) + "\n";
        return files;
    }

    public static void Write(HostPlan plan, string root)
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        foreach (var (path, content) in Files(plan))
        {
            var target = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }
    }
}
