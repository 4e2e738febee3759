using Origin.Plan;
using Xunit;

namespace Origin.Infra.Tests;

/// <summary>Everything the plan renders reaches the host as rendered, and every command runs the core's command line.</summary>
public sealed class HostFileTests
{
    [Fact]
    public async Task Every_file_of_the_plan_bundle_is_uploaded_to_its_place_with_its_content()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        var plan = run.Plan;
        var uploaded = run.OfType(Types.Copy).Where(c => c.Name != "stream-service/app")
            .ToDictionary(c => (string)c.Inputs["remotePath"], c => StackRun.AssetValue(c.Inputs["source"]));

        // The bundle is what the VM rehearsal applies; map each of its paths to where the converge stages it.
        var expected = new Dictionary<string, string>();
        var bundle = PlanBundle.Files(plan);
        // The library the bundle holds once goes to every step's stage.
        foreach (var step in plan.Steps) expected[step.LibraryPath] = bundle[PlanBundle.LibraryPath];
        foreach (var (path, content) in bundle.Where(f => f.Key is not ("plan.json" or PlanBundle.LibraryPath)))
        {
            var remote = path == "verify.sh" ? HostPlan.VerifyPath
                : path.StartsWith("files/", StringComparison.Ordinal) ? plan.Steps.Single(s => s.Files.Any(f => "files" + f.Path == path)).StageDir + "/" + path
                : plan.Steps.Single(s => path.StartsWith(PlanBundle.StepDir(plan, s) + "/", StringComparison.Ordinal)).StageDir + path[path.LastIndexOf('/')..];
            expected[remote] = content;
        }
        Assert.Equal(expected.OrderBy(e => e.Key), uploaded.OrderBy(e => e.Key));
    }

    [Fact]
    public async Task Commands_run_the_cores_command_lines_and_supplied_files_arrive_on_stdin()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        foreach (var step in run.Plan.Steps)
        {
            var apply = run.Inputs(Types.Command, $"{step.Name}/apply");
            var create = (string)apply["create"];
            // Both halves carry one generation: the content hash, or a hash over it and the supplied contents and app.
            var generation = create["ORIGIN_STEP_HASH=".Length..create.IndexOf(' ')];
            Assert.Equal(step.ApplyCommandFor(generation), create);
            Assert.Equal(step.RevertCommandFor(generation), apply["delete"]);
            if (step.Supplied.Count == 0 && step.Reads.Count == 0 && !step.Inputs.Contains(PlanInput.AppDirectory)) Assert.Equal(step.ApplyCommand, create);
            else Assert.NotEqual(step.ContentHash, generation);
            // The program's generation is the core's for the same values (a step with an app adds its hash).
            if (!step.Inputs.Contains(PlanInput.AppDirectory))
                Assert.Equal(step.GenerationFor(new Supplies(StackFile.TestRedisPassword, OriginMocks.Certificate, Supplies.JoinTokenKeys(StackFile.TestTokenSecret, null))), generation);
            Assert.Equal(false, apply["addPreviousOutputInEnv"]);
            Assert.Equal("stderr", apply["logging"]);
            foreach (var file in step.Supplied)
            {
                var supply = run.Inputs(Types.Command, $"{step.Name}/supply-{file.Name}");
                Assert.Equal(step.SupplyCommand(file), supply["create"]);
                Assert.Equal(file.Render(file.Supply switch
                {
                    Supply.RedisPassword => StackFile.TestRedisPassword,
                    Supply.TokenKeys => Supplies.JoinTokenKeys(StackFile.TestTokenSecret, null),
                    _ => OriginMocks.Certificate,
                }), supply["stdin"]);
            }
        }
        Assert.Equal(run.Plan["firewall"].ConfirmCommand, run.Inputs(Types.Command, "firewall/confirm")["create"]);
        Assert.Equal(HostPlan.VerifyCommand, run.Inputs(Types.Command, "verify")["create"]);
    }

    [Fact]
    public async Task The_local_app_is_uploaded_to_a_cleared_stage_as_git_tracks_it()
    {
        var run = await StackRun.RunAsync(StackFile.Prod);
        var step = run.Plan["stream-service"];
        var upload = run.Inputs(Types.Copy, "stream-service/app");

        Assert.Equal(step.AppStageDir, upload["remotePath"]);
        Assert.Equal(step.ClearAppStageCommand, run.Inputs(Types.Command, "stream-service/app-clear")["create"]);
        Assert.Contains(await run.DependsOn(Types.Copy, "stream-service/app"), d => d.GetResourceName() == "stream-service/app-clear");
        Assert.EndsWith("/.origin-build/prod/app/", StackRun.AssetValue(upload["source"]));

        // What is uploaded, and what re-runs the release, is what git tracks: the scratch app's .venv and .env count for nothing.
        var scratch = Directory.CreateTempSubdirectory("origin-app-").FullName;
        try
        {
            StackRun.WriteApp(Path.Combine(scratch, "app"), withDeveloperFiles: false);
            var hash = AppDirectory.Export(Path.Combine(scratch, "app"), Path.Combine(scratch, "export"));
            // The app's hash and the host's incarnation (numbers arrive as doubles).
            Assert.Equal([hash, "1"], ((IEnumerable<object>)upload["triggers"]).Select(t => Convert.ToString(t, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains(hash, ((IEnumerable<object>)run.Inputs(Types.Command, "stream-service/apply")["triggers"]).OfType<string>());
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
