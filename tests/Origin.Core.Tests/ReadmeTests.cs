using Origin.Binding;

namespace Origin.Tests;

/// <summary>The README's promises that code can check.</summary>
public class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Repo.Path("README.md"));

    [Fact]
    public void Config_reference_matches_the_settings()
    {
        var begin = Readme.IndexOf(ConfigReference.Begin, StringComparison.Ordinal);
        var end = Readme.IndexOf(ConfigReference.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README.md has no generated config reference block");
        Assert.True(Readme[(begin + ConfigReference.Begin.Length)..end] == "\n" + ConfigReference.Markdown() + "\n",
            "the config reference in README.md is stale; run: dotnet run --project tools/origin-cli -- docs");
    }

    [Fact]
    public void The_first_lines_give_the_deploy_and_test_commands()
    {
        var head = string.Join('\n', Readme.Split('\n').Take(12));
        Assert.Contains("pulumi up -s prod", head);
        Assert.Contains("tests/run", head);
        Assert.True(File.Exists(Repo.Path("tests", "run")), "the README's test command does not exist");
    }

    [Fact]
    public void Every_audit_note_has_a_row_in_the_audit_table()
    {
        for (var note = 1; note <= 16; note++)
            Assert.Contains($"| {note} |", Readme);
    }
}
