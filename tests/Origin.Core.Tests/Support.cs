using Origin.Binding;
using Origin.Plan;
using Origin.Settings;
using Origin.Validation;
using YamlDotNet.RepresentationModel;

namespace Origin.Tests;

/// <summary>Paths of the repository the tests run from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string ProdStack => System.IO.Path.Combine(Root, "Pulumi.prod.yaml");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Pulumi.yaml"))) return dir.FullName;
        throw new InvalidOperationException("no Pulumi.yaml above " + AppContext.BaseDirectory);
    }
}

/// <summary>Stack configs for tests: the committed prod stack, with single values changed.</summary>
internal static class Stacks
{
    public static IReadOnlyDictionary<string, YamlNode> Prod => StackConfig.ReadStackFile(Repo.ProdStack);

    /// <summary>The prod stack with "section.key=value" changes (values are YAML).</summary>
    public static IReadOnlyDictionary<string, YamlNode> ProdWith(params string[] changes) =>
        changes.Aggregate(Prod, (sections, change) =>
        {
            var eq = change.IndexOf('=');
            return StackConfig.With(sections, change[..eq], change[(eq + 1)..]);
        });

    public static OriginConfig.Loaded Load(params string[] changes) => OriginConfig.Load(ProdWith(changes));

    public static OriginSettings Valid(params string[] changes) => Load(changes).Valid;

    /// <summary>The test fixture of Cloudflare's ranges (the same one the goldens use).</summary>
    public static DeployInputs FixtureRanges { get; } = DeployInputs.FromJson(File.ReadAllText(Repo.Path("tests", "fixtures", "cloudflare-ips.json")));

    public static HostPlan ProdPlan(params string[] changes) => HostPlan.Build(Valid(changes), FixtureRanges);
}

internal static class FindingsAssert
{
    /// <summary>Asserts an error at exactly this key and returns its message.</summary>
    public static string ErrorAt(OriginConfig.Loaded loaded, string key)
    {
        var errors = loaded.Findings.Errors.Where(e => e.Key == key).ToList();
        Assert.True(errors.Count > 0, $"expected an error at {key}; got:\n{string.Join("\n", loaded.Findings.All)}");
        return errors[0].Message;
    }

    public static void NoErrors(OriginConfig.Loaded loaded) =>
        Assert.False(loaded.Findings.HasErrors, string.Join("\n", loaded.Findings.Errors));

    public static Finding WarningAt(OriginConfig.Loaded loaded, string key)
    {
        var warning = loaded.Findings.Warnings.FirstOrDefault(w => w.Key == key);
        Assert.True(warning is not null, $"expected a warning at {key}; got:\n{string.Join("\n", loaded.Findings.All)}");
        return warning!;
    }
}
