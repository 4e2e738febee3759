using System.Text;
using Origin.Binding;
using Origin.Validation;

namespace Origin.Tests;

/// <summary>
/// Stack files that are not valid settings files: each is one clear error naming the file, the line
/// and the key, through the CLI's own `origin validate` and through the binder, never a parser
/// exception. The same reader serves Pulumi's per-key values (Program.cs), tested at the end.
/// </summary>
public class MalformedStackFileTests
{
    /// <summary>Each malformed class: the file's bytes, and what its one error must say.</summary>
    public static IEnumerable<object[]> Malformed() =>
    [
        ["duplicate-key", Bytes("config:\n  origin:nginx:\n    user: www-data\n    user: root\n"), ":4:5: origin:nginx.user: ", "appears twice"],
        ["recursive-alias", Bytes("config:\n  origin:nginx: &n\n    upstream: [*n]\n"), ":3:16: origin:nginx.upstream[0]: ", "refers to the node that contains it"],
        ["alias-bomb", Bytes(Bomb()), ":6:12: l4[0]: ", "expands to more than 20000 nodes"],
        ["undefined-alias", Bytes("config:\n  origin:nginx: *nowhere\n"), ":2:17: origin:nginx: ", "has no anchor"],
        ["wrong-type", Bytes("config:\n  origin:nginx:\n    workerConnections: [1, 2]\n"), ":3:24: origin:nginx.workerConnections: ", "expected an integer"],
        ["non-utf8", (byte[])[.. Bytes("config:\n  origin:cloudflare:\n    zone: caf"), 0xe9, .. Bytes(".example\n")], ":3: ", "UTF-8"],
        ["huge-value", Bytes("config:\n  origin:cloudflare:\n    zone: " + new string('a', 100_000) + "\n"), ":3:11: origin:cloudflare.zone: ", "100000 characters"],
        ["huge-file", Bytes("config:\n" + string.Concat(Enumerable.Repeat("  # padding padding padding padding padding padding padding padding\n", 20_000))), ": ", "at most 1048576 bytes"],
        ["empty", Bytes(""), ":1: ", "an empty file"],
        ["only-comments", Bytes("# nothing here\n"), ":1: ", "an empty file"],
        ["scalar-root", Bytes("origin settings\n"), ":1:1: ", "a mapping with a config: key"],
        ["sequence-root", Bytes("- config\n"), ":1:1: ", "a mapping with a config: key"],
        ["sequence-config", Bytes("config:\n  - origin:nginx\n"), ":2:3: config: ", "expected a mapping"],
        ["sequence-section", Bytes("config:\n  origin:nginx: [www-data]\n"), ":2:17: origin:nginx: ", "expected a mapping of"],
        ["syntax", Bytes("config:\n  origin:nginx: {user: [\n"), ":3:1: ", "did not find expected node content"],
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void The_binder_reports_one_error_naming_file_line_and_key(string name, byte[] content, string where, string problem)
    {
        using var dir = new TempDir();
        var loaded = OriginConfig.LoadStackFile(WriteFile(dir, name, content));
        var error = Assert.Single(loaded.Findings.Errors, e => e.At is not null && e.At.StartsWith(name + ".yaml", StringComparison.Ordinal));
        Assert.Contains(name + ".yaml" + where, error.ToString());
        Assert.Contains(problem, error.Message);
        Assert.Throws<InvalidSettingsException>(() => loaded.Valid);
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Origin_validate_prints_the_error_and_exits_1(string name, byte[] content, string where, string problem)
    {
        using var dir = new TempDir();
        var result = Cli.Run("validate", WriteFile(dir, name, content));
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}:\n{result.Output}");
        Assert.Contains($"error: {name}.yaml{where}", result.Stdout);
        Assert.Contains(problem, result.Stdout);
        Assert.DoesNotContain("   at ", result.Output); // no stack trace
        Assert.DoesNotContain("Exception", result.Output);
    }

    [Fact]
    public void A_wrong_value_in_the_file_is_reported_at_its_line_also_after_a_set_elsewhere()
    {
        using var dir = new TempDir();
        var lines = File.ReadAllLines(Repo.ProdStack);
        var line = Array.FindIndex(lines, l => l.Trim() == "mode: dedicated");
        lines[line] = lines[line].Replace("dedicated", "vps");
        var path = dir.Write("Pulumi.wrong.yaml", string.Join('\n', lines) + "\n");
        var column = lines[line].IndexOf("vps", StringComparison.Ordinal) + 1;

        var error = OriginConfig.LoadStackFile(path).Findings.Errors.Single(e => e.Key == "origin:host.mode");
        Assert.Equal($"Pulumi.wrong.yaml:{line + 1}:{column}", error.At);
        var afterSet = OriginConfig.Load(StackConfig.With(StackConfig.ReadStackFile(path), "stream.port", "5001"));
        Assert.Equal(error.At, afterSet.Findings.Errors.Single(e => e.Key == "origin:host.mode").At);
        // A --set value has no line in the file.
        Assert.Null(Stacks.Load("host.mode=vps").Findings.Errors.Single(e => e.Key == "origin:host.mode").At);
    }

    /// <summary>Program.cs reads each origin:&lt;section&gt; value Pulumi passes with the same guard.</summary>
    [Theory]
    [InlineData("{\"user\": \"a\", \"user\": \"b\"}", "origin:nginx.user", "appears twice")]
    [InlineData("&a [*a]", "origin:nginx[0]", "refers to the node that contains it")]
    [InlineData("*undefined", "origin:nginx", "has no anchor")]
    [InlineData("{user: [", "origin:nginx", "did not find expected")]
    public void A_malformed_pulumi_config_value_is_a_finding_under_its_key(string text, string key, string problem)
    {
        var findings = new Findings();
        Assert.Null(StackConfig.ParseValue(text, "origin:nginx", findings));
        var error = Assert.Single(findings.Errors);
        Assert.StartsWith(key, error.Key);
        Assert.Contains(problem, error.Message);
        Assert.Contains("of the value", error.At);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string WriteFile(TempDir dir, string name, byte[] content)
    {
        var path = dir[name + ".yaml"];
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Nine levels of ten aliases each: 10^9 nodes once expanded, in a few hundred bytes.</summary>
    private static string Bomb()
    {
        var text = new StringBuilder("config:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
            text.Append($"  l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        return text.Append("  origin:nginx: *l8\n").ToString();
    }
}
