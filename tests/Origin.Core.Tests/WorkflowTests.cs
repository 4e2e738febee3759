using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Origin.Tests;

/// <summary>
/// The CI workflows, read as GitHub reads them: which secrets each job can read, and whether the job
/// runs code a pull request controls. A job triggered by pull_request runs the branch's own program and
/// workflow file, so whatever secret it can name, the branch can print. Secrets of an environment reach
/// a job only once the environment's protection rules pass (required reviewers, deployment branches:
/// https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment),
/// and pull_request_target and workflow_run run with the base repository's secrets
/// (https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows).
/// </summary>
public sealed class WorkflowTests
{
    private sealed record Job(string Workflow, string Name, IReadOnlySet<string> Triggers, string? Environment, IReadOnlySet<string> Secrets, bool InheritsSecrets, YamlMappingNode Node);

    private static readonly Regex SecretReference = new(@"secrets\.([A-Za-z0-9_]+)", RegexOptions.Compiled);

    private static IReadOnlyList<Job> Jobs() => Directory.GetFiles(Repo.Path(".github", "workflows"), "*.yml").Order().SelectMany(path =>
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var on = root.Children[new YamlScalarNode("on")];
        var triggers = on switch
        {
            YamlScalarNode s => new HashSet<string> { s.Value! },
            YamlSequenceNode q => q.Children.Select(c => ((YamlScalarNode)c).Value!).ToHashSet(),
            YamlMappingNode m => m.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(),
            _ => throw new InvalidDataException($"{path}: unreadable 'on'"),
        };
        var name = Path.GetFileName(path);
        return ((YamlMappingNode)root.Children[new YamlScalarNode("jobs")]).Children.Select(j =>
        {
            var job = (YamlMappingNode)j.Value;
            var environment = job.Children.TryGetValue(new YamlScalarNode("environment"), out var e)
                ? e is YamlMappingNode em ? ((YamlScalarNode)em.Children[new YamlScalarNode("name")]).Value : ((YamlScalarNode)e).Value
                : null;
            var text = Text(job);
            var inherits = job.Children.TryGetValue(new YamlScalarNode("secrets"), out var s) && s is YamlScalarNode { Value: "inherit" };
            return new Job(name, ((YamlScalarNode)j.Key).Value!, triggers, environment,
                SecretReference.Matches(text).Select(m => m.Groups[1].Value).ToHashSet(), inherits, job);
        });
    }).ToList();

    private static string Text(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static IEnumerable<string> Steps(Job job, string key) =>
        job.Node.Children.TryGetValue(new YamlScalarNode("steps"), out var steps)
            ? ((YamlSequenceNode)steps).Children.Cast<YamlMappingNode>().Select(step => step.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value ?? "" : "")
            : [];

    private static readonly string[] PullRequestCodeTriggers = ["pull_request", "pull_request_target", "workflow_run"];

    [Fact]
    public void The_workflows_have_the_jobs_this_test_reads()
    {
        var jobs = Jobs();
        Assert.Contains(jobs, j => j.Workflow == "pull-request.yml" && j.Name == "preview" && j.Secrets.Count > 0);
        Assert.Contains(jobs, j => j.Workflow == "deploy.yml" && j.Name == "up" && j.Secrets.Contains("CLOUDFLARE_API_TOKEN"));
    }

    /// <summary>
    /// No secret is a repository secret: one would reach any job that names it, including a branch's edit
    /// of a workflow. Every job that reads a secret reads it from an environment, and none inherits all.
    /// </summary>
    [Fact]
    public void Every_secret_a_job_reads_is_an_environments()
    {
        foreach (var job in Jobs())
        {
            Assert.False(job.InheritsSecrets, $"{job.Workflow} {job.Name}: secrets: inherit");
            if (job.Secrets.Count > 0) Assert.True(job.Environment is not null, $"{job.Workflow} {job.Name} reads {string.Join(", ", job.Secrets)} with no environment");
        }
    }

    /// <summary>
    /// A job that runs a pull request's code reads no secret but the preview environment's, whose names
    /// say they are the read-only ones; no workflow runs with the base repository's secrets on a
    /// pull request's behalf (pull_request_target, workflow_run); and the production environment, whose
    /// secrets deploy, is named only by a workflow that runs on a push to main.
    /// </summary>
    [Fact]
    public void No_job_that_runs_a_pull_requests_code_can_read_a_deploy_secret()
    {
        foreach (var job in Jobs())
        {
            Assert.DoesNotContain("pull_request_target", job.Triggers);
            Assert.DoesNotContain("workflow_run", job.Triggers);
            var runsPullRequestCode = job.Triggers.Overlaps(PullRequestCodeTriggers) || job.Triggers.Contains("workflow_call");
            if (runsPullRequestCode)
            {
                Assert.All(job.Secrets, s => Assert.StartsWith("PREVIEW_", s));
                if (job.Secrets.Count > 0) Assert.Equal("preview", job.Environment);
                Assert.NotEqual("production", job.Environment);
            }
            if (job.Environment == "production") Assert.Equal(["push"], job.Triggers);
        }
    }

    /// <summary>The stream API deployed is the commit pinned in the repository, never a variable read when the job runs.</summary>
    [Fact]
    public void The_stream_api_is_the_commit_pinned_in_the_repository()
    {
        var jobs = Jobs();
        foreach (var path in Directory.GetFiles(Repo.Path(".github", "workflows"), "*.yml"))
            Assert.DoesNotContain("vars.STREAM_API", File.ReadAllText(path));
        foreach (var job in jobs.Where(j => j.Name is "preview" or "up"))
        {
            var checkout = ((YamlSequenceNode)job.Node.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>()
                .Single(s => Text(s).Contains("path: stream-api"));
            Assert.Equal("${{ steps.stream-api.outputs.commit }}", ((YamlScalarNode)((YamlMappingNode)checkout.Children[new YamlScalarNode("with")]).Children[new YamlScalarNode("ref")]).Value);
        }

        using var dir = new TempDir();
        Tool.Result Pin(string repository, string commit) => Tool.Run("bash", [Repo.Path(".github", "stream-api.sh"),
            dir.Write("pin.env", $"STREAM_API_REPOSITORY={repository}\nSTREAM_API_COMMIT={commit}\n")]);
        var commitHash = new string('a', 20) + new string('1', 20);
        var good = Pin("example-org/stream-api", commitHash);
        Assert.Equal(0, good.ExitCode);
        Assert.Equal($"repository=example-org/stream-api\ncommit={commitHash}\n", good.Stdout);
        foreach (var (repository, commit) in new[] { ("example-org/stream-api", "main"), ("example-org/stream-api", "v1.2"), ("example-org/stream-api", new string('0', 40)),
                     ("example-org/stream-api", commitHash[..12]), ("stream-api", commitHash), ("example-org/stream-api\ncommit=" + commitHash, "main") })
            Assert.NotEqual(0, Pin(repository, commit).ExitCode);
        // The committed pin is the placeholder until set, which the workflows refuse rather than deploy.
        Assert.Matches("(?m)^STREAM_API_COMMIT=[0-9a-f]{40}$", File.ReadAllText(Repo.Path(".github", "stream-api.env")));
    }

    /// <summary>
    /// Deploys in order: the up job checks, after its approval and before its `up`, that its commit is
    /// still main's head (.github/in-order.sh); a run of an older commit that reaches it after a newer
    /// merge refuses. Played with real git against a remote whose main moved on.
    /// </summary>
    [Fact]
    public void A_deploy_of_a_commit_that_is_no_longer_mains_head_refuses()
    {
        var up = Jobs().Single(j => j.Workflow == "deploy.yml" && j.Name == "up");
        var runs = Steps(up, "run").ToList();
        var uses = Steps(up, "uses").ToList();
        var check = runs.FindIndex(r => r == "bash .github/in-order.sh \"$GITHUB_SHA\"");
        Assert.True(check >= 0, "the up job does not check its commit is main's head");
        Assert.True(check < uses.FindIndex(u => u.StartsWith("pulumi/actions@", StringComparison.Ordinal)));

        using var dir = new TempDir();
        string Git(string cwd, params string[] args)
        {
            var r = Tool.Run("git", ["-C", cwd, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", .. args]);
            Assert.True(r.ExitCode == 0, r.Output);
            return r.Stdout.Trim();
        }
        Directory.CreateDirectory(dir["remote"]);
        Git(dir["remote"], "init", "-q", "--bare", "-b", "main");
        Git(dir.Path, "clone", "-q", dir["remote"], dir["work"]);
        Git(dir["work"], "commit", "-q", "--allow-empty", "-m", "older");
        Git(dir["work"], "push", "-q", "origin", "HEAD:main");
        var older = Git(dir["work"], "rev-parse", "HEAD");
        Git(dir["work"], "commit", "-q", "--allow-empty", "-m", "newer");
        Git(dir["work"], "push", "-q", "origin", "HEAD:main");
        var newer = Git(dir["work"], "rev-parse", "HEAD");
        // The job's checkout: the older commit, as its run has it.
        Git(dir.Path, "clone", "-q", dir["remote"], dir["job"]);
        Git(dir["job"], "checkout", "-q", older);

        Tool.Result InOrder(string commit) => Tool.Run("bash", ["-c", $"cd {dir["job"]} && bash {Repo.Path(".github", "in-order.sh")} {commit}"]);
        var refused = InOrder(older);
        var deployed = InOrder(newer);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"main is at {newer}", refused.Stderr);
        Assert.True(deployed.ExitCode == 0, deployed.Output);
    }
}
