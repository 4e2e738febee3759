using Origin.Plan;
using Pulumi;
using Remote = Pulumi.Command.Remote;

namespace Origin.Infra;

/// <summary>The local app directory exported for upload (stream.source.kind local), and the hash of what it holds.</summary>
internal sealed record StreamApp(string Directory, string Hash);

/// <summary>What a step needs besides its plan.</summary>
/// <param name="Supply">The deploy-time content of one of the step's supplied files.</param>
/// <param name="Value">The deploy-time value of a supply, for the digests of what the step reads (<see cref="Step.Reads"/>).</param>
/// <param name="App">The app to upload, for the step that releases it.</param>
/// <param name="After">What must be done before the step starts: the previous step, or the host, and the edge's token rulesets before the keys change.</param>
/// <param name="ConfirmConnection">The connection of a confirm command: a short dial budget (<see cref="DialBudget.Confirm"/>).</param>
/// <param name="Run">Unique to this run of the program: written into the updates that must run on every `up` (a committing step's apply and confirm).</param>
/// <param name="Incarnation">The host's incarnation, in every resource's triggers and the resource each is deleted with.</param>
internal sealed record HostStepArgs(Remote.Inputs.ConnectionArgs Connection, Remote.Inputs.ConnectionArgs ConfirmConnection, Func<SuppliedFile, Output<string>> Supply,
    Func<Supply, Output<string>> Value, StreamApp? App, IReadOnlyList<Resource> After, string Run, HostIncarnation Incarnation);

/// <summary>
/// One step of the host plan, converged over SSH: its files and scripts staged, its supplied files
/// installed from stdin, then its apply script, with the revert script as the delete.
/// <para>
/// The apply re-runs exactly when what it applies changes: its triggers are the step's content hash,
/// the hashes of the supplied contents (secret when the content is) and of the app. pulumi-command
/// replaces a command whose triggers change by creating the new one before deleting the old one, so
/// the old revert runs after the new apply; Create and Delete are the core's command lines verbatim,
/// whose ORIGIN_STEP_HASH lets that late revert see it has been superseded and do nothing.
/// </para>
/// <para>
/// Every command has an explicit Update, which pulumi-command runs instead of Create when an input
/// other than the triggers changes (only triggers force a replacement:
/// provider/pkg/provider/common/inputs.go@v1.2.1; Update runs `update`, else `create`:
/// provider/pkg/provider/remote/commandController.go@v1.2.1). That is what a connection change is (a
/// rotated origin:sshPrivateKey, ssh.port, ssh.user, the address): every Update here is read-only or
/// idempotent, so such an `up` changes nothing on the host. An update replaces the command's stdout with
/// its own (provider/pkg/provider/remote/commandOutputs.go@v1.2.1, run), so the tls step's update prints
/// its certificate request again (Step.UpdateCommandFor) and the certificate sees the same csr. The uploads copy again only when their
/// content or path changes (CopyToRemote Update, provider/pkg/provider/remote/copyController.go@v1.2.1).
/// </para>
/// <para>
/// Every command logs stderr only: the scripts report progress there and keep stdout for data (the
/// tls step's certificate request), and none of them prints a supplied secret.
/// </para>
/// </summary>
internal sealed class HostStep : ComponentResource
{
    public Remote.Command Apply { get; }

    /// <summary>What re-runs the apply; the final verification re-runs on any of them too.</summary>
    public IReadOnlyList<Input<object>> Triggers { get; }

    public HostStep(Step step, HostStepArgs args, ComponentResourceOptions? options = null)
        : base("origin:host:Step", step.Name, options)
    {
        // Text assets: pulumi-command writes them straight to RemotePath and makes its parent directories.
        // None is secret; the secrets travel as supplied files, on stdin.
        var staged = step.StagedFiles().Select(file => new Remote.CopyToRemote(
            step.Name + file.RemotePath[step.StageDir.Length..],
            new Remote.CopyToRemoteArgs
            {
                Connection = args.Connection,
                Source = new StringAsset(file.Content),
                RemotePath = file.RemotePath,
                Triggers = new[] { args.Incarnation.Trigger },
            },
            Child(args, args.After))).ToList<Resource>();

        var supplied = step.Supplied.Select(file => (File: file, Content: file.IsSecret ? Output.CreateSecret(args.Supply(file)) : args.Supply(file))).ToList();
        var supplies = supplied.Select(s =>
        {
            var options = Child(args, staged);
            // The provider echoes stdin back as an output: keep that copy encrypted in the state too.
            if (s.File.IsSecret) options.AdditionalSecretOutputs.Add("stdin");
            return new Remote.Command($"{step.Name}/supply-{s.File.Name}", new Remote.CommandArgs
            {
                Connection = args.Connection,
                Create = step.SupplyCommand(s.File),
                // A new secret reaches the host as an update (stdin is no trigger): the supply
                // script installs its stdin only when it differs, so it is also the safe Update.
                Update = step.SupplyCommand(s.File),
                Stdin = s.Content,
                Triggers = new[] { args.Incarnation.Trigger },
                AddPreviousOutputInEnv = false,
                Logging = Remote.Logging.Stderr,
            }, options);
        }).ToList<Resource>();

        // Besides the content hash, the digests of the supplied contents (secret when the content is), of
        // the values the step reads from other steps' supplies (a rotated Redis password re-applies every
        // consumer: Step.GenerationFor, in the same order), and the app. A digest of a secret stays secret.
        var digests = supplied.Select(s => s.Content.Apply(Digest.Sha256))
            .Concat(step.Reads.Select(r => Output.CreateSecret(args.Value(r)).Apply(Digest.Sha256))).ToList();
        var before = new List<Resource>(args.After);
        before.AddRange(staged);
        before.AddRange(supplies);
        if (args.App is { } app)
        {
            digests.Add(Output.Create(app.Hash));
            before.Add(UploadApp(step, app, args));
        }
        Triggers = [step.ContentHash, .. digests.Select(d => (Input<object>)d.Apply(v => (object)v)), args.Incarnation.Trigger];
        // The generation covers every trigger, so the revert of a command replaced for any of them stands down.
        var generation = Output.All(digests).Apply(d => Step.Generation(step.ContentHash, d));

        Apply = new Remote.Command($"{step.Name}/apply", new Remote.CommandArgs
        {
            Connection = args.Connection,
            Create = generation.Apply(step.ApplyCommandFor),
            // Only ever after a successful create: a failed one leaves nothing in the state (pulumi-command
            // returns a plain error, which pulumi/pulumi-go-provider infer/resource.go@v1.3.0 Create records
            // as partial state only when it is a ResourceInitFailedError), so a failed apply runs its
            // create again on the next `up`, never this check.
            Update = generation.Apply(g => EveryUp(step, args, step.UpdateCommandFor(g))),
            Delete = generation.Apply(step.RevertCommandFor),
            Triggers = Triggers.ToArray(),
            AddPreviousOutputInEnv = false,
            Logging = Remote.Logging.Stderr,
        }, Child(args, before));

        if (step.ConfirmScript is not null)
        {
            // Its own resource, so it dials a new SSH connection: one that gets through the ruleset the
            // apply has just loaded, which is what the confirmation proves before cancelling the rollback.
            // It succeeds only by cancelling the rollback of this generation (files/firewall/confirm.sh),
            // and its dial budget ends long before that rollback, so a late dial cannot pass.
            var confirm = generation.Apply(g => step.ConfirmCommandFor(g)!);
            _ = new Remote.Command($"{step.Name}/confirm", new Remote.CommandArgs
            {
                Connection = args.ConfirmConnection,
                Create = confirm,
                // Confirming a confirmed generation succeeds and changes nothing; every `up` confirms again,
                // after the apply's update has applied a rolled-back generation again (Step.UpdateCommandFor).
                Update = confirm.Apply(c => EveryUp(step, args, c)),
                Triggers = Triggers.ToArray(),
                AddPreviousOutputInEnv = false,
                Logging = Remote.Logging.Stderr,
            }, Child(args, Apply));
        }

        RegisterOutputs(new Dictionary<string, object?> { ["contentHash"] = step.ContentHash });
    }

    /// <summary>
    /// A committing step's update, made to run on every `up`: pulumi-command runs an update only when an
    /// input changed (only triggers replace: provider/pkg/provider/common/inputs.go@v1.2.1), and whether the
    /// host rolled a generation back (no confirm in time: an interrupted or failed `up`, a dial that failed,
    /// a reboot) is something only the host knows. The run's mark is a no-op (`:`) in front of the command.
    /// Not in the triggers: nothing is replaced, and nothing after the step re-runs for it.
    /// </summary>
    private static string EveryUp(Step step, HostStepArgs args, string command) =>
        step.ConfirmScript is null ? command : $": run {args.Run}; {command}";

    /// <summary>Empties the app's stage, then uploads the exported app into it; both again whenever the app changes.</summary>
    private Resource UploadApp(Step step, StreamApp app, HostStepArgs args)
    {
        var clear = new Remote.Command($"{step.Name}/app-clear", new Remote.CommandArgs
        {
            Connection = args.Connection,
            Create = step.ClearAppStageCommand,
            // Never clears on a connection change: the upload after it would copy nothing back.
            Update = step.CheckAppStageCommand,
            Triggers = new Input<object>[] { app.Hash, args.Incarnation.Trigger },
            AddPreviousOutputInEnv = false,
            Logging = Remote.Logging.Stderr,
        }, Child(args, args.After));
        return new Remote.CopyToRemote($"{step.Name}/app", new Remote.CopyToRemoteArgs
        {
            Connection = args.Connection,
            // The trailing slash copies the directory's contents into RemotePath rather than a
            // subdirectory named after it.
            Source = new FileArchive(app.Directory + "/"),
            RemotePath = step.AppStageDir,
            Triggers = new Input<object>[] { app.Hash, args.Incarnation.Trigger },
        }, Child(args, clear));
    }

    private CustomResourceOptions Child(HostStepArgs args, params IEnumerable<Resource> dependsOn) => args.Incarnation.Options(this, dependsOn);
}
