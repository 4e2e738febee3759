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
    IReadOnlyList<PlanInput> Inputs)
{
    public const string StateDir = "/var/lib/origin-stack";

    public string StageDir => $"{StateDir}/stage/{Name}";

    /// <summary>Where a local app directory is uploaded, for steps that take one.</summary>
    public string AppStageDir => StageDir + "/app";

    /// <summary>Empties <see cref="AppStageDir"/> before an upload: an upload adds and overwrites files but never deletes one, and the release is made of everything there.</summary>
    public string ClearAppStageCommand => $"rm -rf {AppStageDir}";

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
    public string RevertCommand => RevertCommandFor(ContentHash);

    /// <summary>
    /// The apply and revert of one generation of the step. A step re-applied for anything besides its
    /// staged content (a rotated secret, a new app release) must carry a generation that says so, or the
    /// replaced command's revert would find its own hash still recorded and undo the new apply.
    /// </summary>
    public string ApplyCommandFor(string generation) => $"ORIGIN_STEP_HASH={generation} bash {ApplyPath}";
    public string RevertCommandFor(string generation) => $"ORIGIN_STEP_HASH={generation} bash {RevertPath}";

    /// <summary>The generation of a step applied for its content and these further digests (supplied content, the app): its content hash when there are none.</summary>
    public static string Generation(string contentHash, IReadOnlyList<string> digests) =>
        digests.Count == 0 ? contentHash : Digest.Sha256(string.Join('\n', digests.Prepend(contentHash)));
    public string? ConfirmCommand => ConfirmScript is null ? null : $"bash {ConfirmPath}";
    public string SupplyCommand(SuppliedFile file) => $"bash {SupplyPath(file)}";
}
