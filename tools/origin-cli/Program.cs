using System.Text.Json;
using Origin;
using Origin.Binding;
using Origin.Plan;
using Origin.Settings;
using Origin.Validation;

// origin validate <stack-file> [--set key=value]...
// origin render <stack-file> --out <dir> [--ranges <cloudflare-ips.json>] [--set key=value]...
// origin supply <stack-file> --file <name> [--set key=value]...   (value on stdin)
// origin export-app <app-dir> --out <dir>
// origin goldens [--check]            (from the repository root)
const string Usage = """
    usage:
      origin validate <Pulumi.<stack>.yaml> [--set section.key=value]...
      origin render <Pulumi.<stack>.yaml> --out <dir> [--ranges <file>] [--set section.key=value]...
      origin supply <Pulumi.<stack>.yaml> --file <name> [--set section.key=value]...
      origin export-app <app-dir> --out <dir>
      origin goldens [--check]
      origin docs
    --ranges: Cloudflare's IP ranges as the API returns them ({"ipv4_cidrs": [...], "ipv6_cidrs": [...]});
              defaults to the test fixture tests/fixtures/cloudflare-ips.json.
    supply: prints the content of the supplied file <name> (plan.json: steps[].supplied[].name) for the
            deploy-time value read from stdin (the Redis password, or the certificate chain), as the
            deploy pipes it to the file's supply command. For the VM rehearsal and for debugging.
    export-app: copies the app directory into <dir> exactly as the deploy uploads it (the files git tracks
                there, refused if anything there is not committed) and prints its hash. For the VM rehearsal.
    goldens: renders every Pulumi.<stack>.yaml in the current directory, and the variants listed in
             tests/golden/variants, into tests/golden/<name>/; with --check, only reports the files that differ.
    docs: rewrites the config reference in README.md from the settings' documentation.
    """;

if (args.Length == 0) return Fail(Usage);
try
{
    return args[0] switch
    {
        "validate" => Validate(Options.Parse(args[1..])),
        "render" => Render(Options.Parse(args[1..])),
        "supply" => Supply(Options.Parse(args[1..])),
        "export-app" => args is [_, var app, "--out", var into] ? ExportApp(app, into) : Fail(Usage),
        "goldens" => Goldens(args.Contains("--check")),
        "docs" => Docs(),
        _ => Fail(Usage),
    };
}
catch (InvalidSettingsException e)
{
    return Fail(e.Message);
}
catch (AppDirectoryException e)
{
    return Fail(e.Message);
}
catch (ArgumentException e)
{
    return Fail("error: " + e.Message);
}

static int Validate(Options o)
{
    var loaded = o.Load();
    foreach (var finding in loaded.Findings.All) Console.WriteLine(finding);
    if (loaded.Findings.HasErrors) return 1;
    Console.WriteLine($"{o.StackFile}: valid");
    // Said on every validation, so that it is at hand when it is needed (docs/disaster-rebuild.md, section 4).
    Console.WriteLine("after a compromise of the host, rebuild it with new secrets for all of these:");
    // Which files the plan supplies does not depend on Cloudflare's ranges: any valid ones do (a documentation range).
    var anyRanges = DeployInputs.FromRanges(["192.0.2.0/24"], []);
    foreach (var rotation in HostSecrets.AfterCompromise(HostPlan.Build(loaded.Valid, anyRanges), loaded.Valid))
        Console.WriteLine($"  {rotation.What}: {rotation.How}");
    return 0;
}

static int Render(Options o)
{
    var out_ = o.Out ?? throw new ArgumentException("render needs --out <dir>");
    var loaded = o.Load();
    foreach (var warning in loaded.Findings.Warnings) Console.Error.WriteLine(warning);
    var plan = HostPlan.Build(loaded.Valid, ReadRanges(o.Ranges ?? FixtureRanges));
    PlanBundle.Write(plan, out_);
    Console.WriteLine($"rendered {plan.Steps.Count} steps into {out_}");
    return 0;
}

static int Supply(Options o)
{
    var name = o.File ?? throw new ArgumentException("supply needs --file <name>");
    var loaded = o.Load();
    if (loaded.Findings.HasErrors) throw new InvalidSettingsException(loaded.Findings.Errors.ToList());
    var plan = HostPlan.Build(loaded.Valid, ReadRanges(FixtureRanges));
    var file = plan.Steps.SelectMany(s => s.Supplied).SingleOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"the plan supplies no file named {name}");
    var value = Console.In.ReadToEnd();
    Console.Out.Write(file.Render(file.Supply == Origin.Plan.Supply.RedisPassword ? value.TrimEnd('\n') : value));
    return 0;
}

static int ExportApp(string app, string into)
{
    Console.WriteLine(AppDirectory.Export(Path.GetFullPath(app), Path.GetFullPath(into)));
    return 0;
}

static int Goldens(bool check)
{
    var drift = 0;
    foreach (var stack in GoldenStack.All("."))
    {
        var plan = stack.Plan(".", ReadRanges(FixtureRanges));
        var dir = Path.Combine("tests", "golden", stack.Name);
        if (!check)
        {
            PlanBundle.Write(plan, dir);
            Console.WriteLine($"wrote {dir}");
            continue;
        }
        var want = PlanBundle.Files(plan);
        var have = Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllText)
            : [];
        foreach (var path in want.Keys.Union(have.Keys).Order(StringComparer.Ordinal))
            if (!want.TryGetValue(path, out var w) || !have.TryGetValue(path, out var h) || w != h)
            {
                Console.WriteLine($"{stack.Name}: {path} differs");
                drift++;
            }
    }
    return drift == 0 ? 0 : 1;
}

static int Docs()
{
    var readme = File.ReadAllText("README.md");
    var begin = readme.IndexOf(ConfigReference.Begin, StringComparison.Ordinal);
    var end = readme.IndexOf(ConfigReference.End, StringComparison.Ordinal);
    if (begin < 0 || end < begin) return Fail($"README.md has no {ConfigReference.Begin} ... {ConfigReference.End} block");
    File.WriteAllText("README.md", readme[..(begin + ConfigReference.Begin.Length)] + "\n" + ConfigReference.Markdown() + "\n" + readme[end..]);
    Console.WriteLine("rewrote the config reference in README.md");
    return 0;
}

static DeployInputs ReadRanges(string path) => DeployInputs.FromJson(File.ReadAllText(path));

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}

/// <summary>The command line after the verb.</summary>
internal sealed record Options(string StackFile, string? Out, string? Ranges, string? File, IReadOnlyList<(string Key, string Value)> Sets)
{
    public static Options Parse(string[] args)
    {
        string? stack = null, out_ = null, ranges = null, file = null;
        var sets = new List<(string, string)>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": out_ = Next(); break;
                case "--ranges": ranges = Next(); break;
                case "--file": file = Next(); break;
                case "--set":
                    var pair = Next();
                    var eq = pair.IndexOf('=');
                    if (eq <= 0) throw new ArgumentException($"--set takes section.key=value, got {pair}");
                    sets.Add((pair[..eq], pair[(eq + 1)..]));
                    break;
                default:
                    if (stack is not null || args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument {args[i]}");
                    stack = args[i];
                    break;
            }
        }
        return new Options(stack ?? throw new ArgumentException("which stack file?"), out_, ranges, file, sets);
    }

    /// <summary>The stack file with the --set values; a malformed file or value is findings, never an exception.</summary>
    public OriginConfig.Loaded Load()
    {
        var findings = new Findings();
        var sections = StackConfig.ReadStackFile(StackFile, findings);
        foreach (var (key, value) in Sets)
            if (StackConfig.ParseValue(value, "--set " + key, findings) is not null)
                sections = StackConfig.With(sections, key, value);
        return findings.HasErrors ? new OriginConfig.Loaded(new OriginSettings(), findings) : OriginConfig.Load(sections, findings);
    }
}

internal static partial class Program
{
    /// <summary>A snapshot of Cloudflare's published ranges, for offline renders only. Deploys read the live list through the provider.</summary>
    private const string FixtureRanges = "tests/fixtures/cloudflare-ips.json";
}
