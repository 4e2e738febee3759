using System.Text;

namespace Origin.Plan;

/// <summary>Deploy-time values a step's files depend on; the Pulumi layer wires these as dependencies.</summary>
public enum PlanInput
{
    /// <summary>Cloudflare's published IP ranges (realip, firewall).</summary>
    CloudflareRanges,
    /// <summary>The Redis password secret.</summary>
    RedisPassword,
    /// <summary>The Origin CA certificate issued for the host's CSR.</summary>
    OriginCertificate,
    /// <summary>The app directory uploaded from the project (stream.source.kind local).</summary>
    AppDirectory,
}

/// <summary>
/// One area of the host plan: the files it places, the files supplied at deploy time, and the
/// scripts that apply and revert it. Scripts are staged next to the files and run as
/// <c>ORIGIN_STEP_HASH=&lt;hash&gt; bash &lt;stage&gt;/apply.sh</c>; the hash lets a revert tell that a
/// newer apply has superseded it (Pulumi replaces a command by creating the new one first).
/// </summary>
public sealed record Step(
    string Name,
    string Summary,
    IReadOnlyList<HostFile> Files,
    IReadOnlyList<SuppliedFile> Supplied,
    string Library,
    string ApplyScript,
    string RevertScript,
    string? ConfirmScript,
    IReadOnlyList<PlanInput> Inputs,
    int BudgetSeconds = Step.DefaultBudgetSeconds,
    string? StdoutFile = null,
    IReadOnlyList<Supply>? Reads = null)
{
    /// <summary>
    /// Deploy-time values another step supplies that this step's services read (the API and the Redis
    /// exporter log in with the Redis password the redis step installs): the step re-applies, and
    /// restarts them, when one changes. Its generation carries each value's digest, never the value.
    /// </summary>
    public IReadOnlyList<Supply> Reads { get; init; } = Reads ?? [];

    public const string StateDir = "/var/lib/origin-stack";

    /// <summary>
    /// How long an apply or revert may run before timeout(1) stops it. pulumi-command bounds only the
    /// dial, never the command: its session waits for the remote command to exit
    /// (pulumi/pulumi-command provider/pkg/provider/remote/commandOutputs.go@v1.2.1, run), so a hung
    /// apt lock or systemctl would hang the `up` for ever without this.
    /// </summary>
    public const int DefaultBudgetSeconds = 300;

    /// <summary>The confirm's budget: the lock wait and one systemctl stop.</summary>
    public const int ConfirmBudgetSeconds = 30;

    /// <summary>A supply script reads stdin and installs one file.</summary>
    public const int SupplyBudgetSeconds = 60;

    public string StageDir => $"{StateDir}/stage/{Name}";

    /// <summary>Where a local app directory is uploaded, for steps that take one.</summary>
    public string AppStageDir => StageDir + "/app";

    /// <summary>Empties <see cref="AppStageDir"/> before an upload: an upload adds and overwrites files but never deletes one, and the release is made of everything there.</summary>
    public string ClearAppStageCommand => $"rm -rf {AppStageDir}";

    /// <summary>
    /// What the clearing command runs when only its connection changed: nothing is cleared (the upload
    /// after it copies nothing unless the app changed), the stage is only checked to be there.
    /// </summary>
    public string CheckAppStageCommand => $"test -d {AppStageDir} || {{ echo '{Name}: the app stage {AppStageDir} is missing on this host: a new host? raise host.incarnation, docs/disaster-rebuild.md section 5' >&2; exit 1; }}";

    public string LibraryPath => StageDir + "/lib.sh";
    public string ApplyPath => StageDir + "/apply.sh";
    public string RevertPath => StageDir + "/revert.sh";
    public string ConfirmPath => StageDir + "/confirm.sh";
    public string SupplyPath(SuppliedFile file) => $"{StageDir}/supply-{file.Name}.sh";

    /// <summary>Everything uploaded to the stage directory: the files, then the scripts.</summary>
    public IEnumerable<(string RemotePath, string Content)> StagedFiles()
    {
        foreach (var f in Files) yield return (f.StagePath(this), f.Content);
        foreach (var s in Supplied) yield return (SupplyPath(s), s.InstallScript);
        yield return (LibraryPath, Library);
        yield return (ApplyPath, ApplyScript);
        yield return (RevertPath, RevertScript);
        if (ConfirmScript is not null) yield return (ConfirmPath, ConfirmScript);
    }

    /// <summary>SHA-256 over every staged path and content, and every supplied file's place: changes exactly when what the step applies changes.</summary>
    public string ContentHash
    {
        get
        {
            var text = new StringBuilder();
            foreach (var (path, content) in StagedFiles()) text.Append(path).Append('\0').Append(content).Append('\0');
            foreach (var f in Files) text.Append(f.Path).Append(' ').Append(f.Mode).Append(' ').Append(f.Owner).Append(':').Append(f.Group).Append('\0');
            foreach (var s in Supplied) text.Append(s.Path).Append(' ').Append(s.Mode).Append(' ').Append(s.Owner).Append(':').Append(s.Group).Append('\0');
            return Digest.Sha256(text.ToString());
        }
    }

    /// <summary>The command line that applies the step; also how the VM rehearsal runs it.</summary>
    public string ApplyCommand => ApplyCommandFor(ContentHash);
    public string UpdateCommand => UpdateCommandFor(ContentHash);
    public string RevertCommand => RevertCommandFor(ContentHash);

    /// <summary>
    /// The apply and revert of one generation of the step. A step re-applied for anything besides its
    /// staged content (a rotated secret, a new app release) must carry a generation that says so, or the
    /// replaced command's revert would find its own hash still recorded and undo the new apply.
    /// </summary>
    public string ApplyCommandFor(string generation) => Bounded($"{Name} apply", $"ORIGIN_STEP_HASH={generation}", ApplyPath, BudgetSeconds);
    public string RevertCommandFor(string generation) => Bounded($"{Name} revert", $"ORIGIN_STEP_HASH={generation}", RevertPath, BudgetSeconds);

    /// <summary>
    /// What the apply command runs when only its connection changed (a rotated key, another port or
    /// user, a renumbered address): nothing is applied again, the host is only checked to hold this
    /// generation. Without it pulumi-command runs `create` again on such an update
    /// (provider/pkg/provider/remote/commandController.go@v1.2.1, Update); a host that does not hold
    /// it is a new host, which the rebuild runbook brings in deliberately.
    /// </summary>
    public string CheckAppliedCommandFor(string generation) =>
        $"test \"$(cat {StateDir}/applied/{Name} 2> /dev/null)\" = {generation} || {{ echo '{Name}: this host has not applied generation {generation}: a new host? raise host.incarnation, docs/disaster-rebuild.md section 5' >&2; exit 1; }}";

    /// <summary>
    /// The apply's Update: the check above, then, for a step whose stdout is data for a later resource
    /// (<see cref="StdoutFile"/>), that data again. pulumi-command replaces the command's stdout with the
    /// output of whatever an update runs (CommandOutputs.run sets Stdout from the session's output:
    /// provider/pkg/provider/remote/commandOutputs.go@v1.2.1; Update keeps only BaseOutputs it does
    /// not rerun: commandController.go@v1.2.1), so an update that printed nothing would hand the later
    /// resource an empty value: for the tls step, a certificate request the Origin CA refuses, and a
    /// replace-forcing change of the certificate's csr.
    /// <para>
    /// A step that commits (the firewall) applies its generation again when the host rolled it back
    /// (<see cref="CommitPath"/> records "generation rolled-back": files/firewall/rollback.sh): the confirm after this
    /// update can then cancel the new rollback, and an `up` that follows one whose confirm never ran, ran
    /// late or could not dial succeeds, as it must, without a change of the ruleset. The Pulumi layer runs
    /// this update and the confirm on every `up` (HostStep), as nothing else tells the deployer.
    /// </para>
    /// </summary>
    public string UpdateCommandFor(string generation)
    {
        var check = CheckAppliedCommandFor(generation);
        if (StdoutFile is not null) return $"{check} && cat {StdoutFile}";
        if (ConfirmScript is not null)
            return $"if grep -qxF '{generation} rolled-back' {CommitPath} 2> /dev/null; then " +
                $"echo '{Name}: the host rolled generation {generation} back; applying it again for the confirm' >&2; {ApplyCommandFor(generation)}; " +
                $"else {check}; fi";
        return check;
    }

    /// <summary>The record of what became of each generation of a step that commits (files/firewall/apply.sh, "commit").</summary>
    public string CommitPath => $"{StateDir}/{Name}.commit";

    /// <summary>
    /// SCRIPT under timeout(1), which signals the script's whole process group once SECONDS have passed
    /// (lib.sh's trap then says what was running); the exit status is timeout's 124 (137 if the script
    /// ignored the signal for 10 s), and the last line says which script ran out of time.
    /// </summary>
    public static string Bounded(string what, string environment, string script, int seconds) =>
        $"{environment}{(environment.Length > 0 ? " " : "")}timeout --kill-after=10 {seconds} bash {script} " +
        $"|| {{ s=$?; if [ $s -eq 124 ] || [ $s -eq 137 ]; then echo '{what}: stopped after its budget of {seconds} s' >&2; fi; exit $s; }}";

    /// <summary>The generation of a step applied for its content and these further digests (supplied content, the app): its content hash when there are none.</summary>
    /// <summary>
    /// The generation for these deploy-time values: the digests of its supplied files' contents, then
    /// of each value it <see cref="Reads"/>, in that order (HostStep builds the same list from Outputs).
    /// </summary>
    public string GenerationFor(Supplies values) =>
        Generation(ContentHash, [.. Supplied.Select(f => Digest.Sha256(f.Render(values))), .. Reads.Select(r => Digest.Sha256(values.Of(r)))]);

    public static string Generation(string contentHash, IReadOnlyList<string> digests) =>
        digests.Count == 0 ? contentHash : Digest.Sha256(string.Join('\n', digests.Prepend(contentHash)));

    /// <summary>The confirm of one generation: it succeeds only when it cancels that apply's own rollback (files/firewall/confirm.sh).</summary>
    public string? ConfirmCommandFor(string generation) =>
        ConfirmScript is null ? null : Bounded($"{Name} confirm", $"ORIGIN_STEP_HASH={generation}", ConfirmPath, ConfirmBudgetSeconds);
    public string? ConfirmCommand => ConfirmCommandFor(ContentHash);
    public string SupplyCommand(SuppliedFile file) => Bounded($"{Name} supply-{file.Name}", "", SupplyPath(file), SupplyBudgetSeconds);
}
