using Origin.Plan;

namespace Origin.Binding;

/// <summary>
/// The stacks whose rendered plans are kept as goldens in tests/golden/&lt;name&gt;/: every committed
/// Pulumi.&lt;stack&gt;.yaml, and the variants listed in tests/golden/variants, each a committed stack with
/// a few values changed (the prod host rebuilt on Debian 13), so a change shows its diff on both.
/// </summary>
public sealed record GoldenStack(string Name, string StackFile, IReadOnlyList<(string Key, string Value)> Sets)
{
    public const string VariantsFile = "tests/golden/variants";

    public OriginConfig.Loaded Load(string root) =>
        OriginConfig.Load(Sets.Aggregate(StackConfig.ReadStackFile(Path.Combine(root, StackFile)), (sections, set) => StackConfig.With(sections, set.Key, set.Value)));

    public HostPlan Plan(string root, DeployInputs inputs) => HostPlan.Build(Load(root).Valid, inputs);

    /// <summary>The golden stacks of the repository at ROOT, committed stacks first.</summary>
    public static IReadOnlyList<GoldenStack> All(string root)
    {
        var committed = Directory.GetFiles(root, "Pulumi.*.yaml").Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f))
            .Select(f => new GoldenStack(f["Pulumi.".Length..^".yaml".Length], f, []));
        // One variant a line: NAME STACK-FILE section.key=value...; # starts a comment.
        var variants = File.ReadAllLines(Path.Combine(root, VariantsFile))
            .Select(l => l.Split('#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length > 0)
            .Select(words => words.Length >= 3 && words[2..].All(w => w.IndexOf('=') > 0)
                ? new GoldenStack(words[0], words[1], words[2..].Select(w => (w[..w.IndexOf('=')], w[(w.IndexOf('=') + 1)..])).ToList())
                : throw new FormatException($"{VariantsFile}: want NAME STACK-FILE key=value..., got: {string.Join(' ', words)}"));
        return committed.Concat(variants).ToList();
    }
}
