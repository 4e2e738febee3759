using Origin.Binding;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// tests/golden/&lt;stack&gt;/ holds every rendered host file and script of each committed stack and of
/// each variant in tests/golden/variants (prod on Debian 13). A change
/// to a template or a default shows up here as a diff to review. Regenerate with:
///   dotnet run --project tools/origin-cli -- goldens
/// </summary>
public class GoldenTests
{
    public const string Regenerate = "dotnet run --project tools/origin-cli -- goldens";

    public static IEnumerable<object[]> GoldenStacks() => GoldenStack.All(Repo.Root).Select(s => new object[] { s.Name });

    [Theory]
    [MemberData(nameof(GoldenStacks))]
    public void Rendered_files_match_the_goldens(string stack)
    {
        var plan = GoldenStack.All(Repo.Root).Single(s => s.Name == stack).Plan(Repo.Root, Stacks.FixtureRanges);
        var want = PlanBundle.Files(plan);
        var dir = Repo.Path("tests", "golden", stack);
        Assert.True(Directory.Exists(dir), $"no goldens for {stack}; run: {Regenerate}");
        var have = Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllText);

        var missing = want.Keys.Except(have.Keys).ToList();
        var extra = have.Keys.Except(want.Keys).ToList();
        var changed = want.Keys.Intersect(have.Keys).Where(k => want[k] != have[k]).ToList();
        Assert.True(missing.Count + extra.Count + changed.Count == 0,
            $"goldens of {stack} drifted (review the diff, then run: {Regenerate})\n" +
            string.Join("\n", missing.Select(m => "  missing: " + m).Concat(extra.Select(e => "  no longer rendered: " + e)).Concat(changed.Select(c => "  changed: " + c))));
    }

    [Fact]
    public void Goldens_hold_no_secret()
    {
        foreach (var file in Directory.GetFiles(Repo.Path("tests", "golden"), "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("requirepass ", text.Split('\n').Where(l => !l.TrimStart().StartsWith('#') && !l.Contains("sed -n")));
            Assert.DoesNotContain("BEGIN PRIVATE KEY", text);
            Assert.DoesNotContain("REDIS_PASSWORD=", text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        }
    }
}
