using Origin.Plan.Steps;
using Origin.Settings;
using Origin.Values;

namespace Origin.Plan;

/// <summary>Deploy-time values that rendered files depend on.</summary>
public sealed record DeployInputs(IReadOnlyList<Cidr> CloudflareIpv4, IReadOnlyList<Cidr> CloudflareIpv6)
{
    public IEnumerable<Cidr> CloudflareRanges => CloudflareIpv4.Concat(CloudflareIpv6);

    /// <summary>Builds inputs from the provider's lookup, refusing anything that is not a CIDR.</summary>
    public static DeployInputs FromRanges(IEnumerable<string> ipv4, IEnumerable<string> ipv6)
    {
        static List<Cidr> Parse(IEnumerable<string> ranges, bool v6) => ranges.Select(r =>
            Cidr.TryParse(r, out var c) && c.IsIPv6 == v6 ? c : throw new ArgumentException($"not an IPv{(v6 ? 6 : 4)} CIDR in Cloudflare's ranges: {Validation.Findings.Show(r)}")).ToList();
        var inputs = new DeployInputs(Parse(ipv4, false), Parse(ipv6, true));
        return inputs.CloudflareIpv4.Count > 0 ? inputs : throw new ArgumentException("Cloudflare's IPv4 ranges are empty; refusing to lock the origin to nothing");
    }

    /// <summary>Ranges in the shape Cloudflare's API returns them (result of /client/v4/ips): {"ipv4_cidrs": [...], "ipv6_cidrs": [...]}.</summary>
    public static DeployInputs FromJson(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        IEnumerable<string> List(string name) => doc.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetString() ?? "").ToList();
        return FromRanges(List("ipv4_cidrs"), List("ipv6_cidrs"));
    }
}

/// <summary>
/// The ordered host plan: every step the converge applies, in order, and the final verification.
/// Built from validated settings; the same plan is applied by the Pulumi components and by the VM
/// rehearsal, so there is one copy of every file and script.
/// </summary>
public sealed record HostPlan(DebianRelease Release, IReadOnlyList<Step> Steps, string VerifyScript)
{
    public const string VerifyPath = Step.StateDir + "/verify.sh";
    public const int VerifyBudgetSeconds = 300;
    public static string VerifyCommand => Step.Bounded("verify.sh", "", VerifyPath, VerifyBudgetSeconds);

    /// <summary>
    /// The names of the deployed plan's steps, one a line: a step's revert undoes it only once its name is
    /// gone from here (files/lib/step.sh, begin_revert). Written by every `up` after its steps and before
    /// its deletes, which the engine runs last.
    /// </summary>
    public const string StepsRecordPath = Step.StateDir + "/plan-steps";

    /// <summary>Writes <see cref="StepsRecordPath"/> whole (a new file renamed over the old): a revert finds the old list or the new one.</summary>
    public string RecordStepsCommand =>
        $"install -d -m 700 {Step.StateDir} && printf '%s\\n' {string.Join(' ', Steps.Select(s => s.Name))} > {StepsRecordPath}.origin-new && sync {StepsRecordPath}.origin-new && mv -f {StepsRecordPath}.origin-new {StepsRecordPath}";

    public static HostPlan Build(OriginSettings settings, DeployInputs inputs)
    {
        var context = new PlanContext(settings, inputs);
        IReadOnlyList<Step> steps =
        [
            PackagesStep.Build(context),
            FirewallStep.Build(context),
            KernelStep.Build(context),
            DisksStep.Build(context),
            HlsStorageStep.Build(context),
            RedisStep.Build(context),
            NginxBuildStep.Build(context),
            TlsStep.Build(context),
            NginxConfigStep.Build(context),
            StreamServiceStep.Build(context),
            CleanupStep.Build(context),
            MonitoringStep.Build(context),
        ];
        return new HostPlan(context.Release, steps, VerifyStep.Render(context));
    }

    public Step this[string name] => Steps.Single(s => s.Name == name);

    /// <summary>The step whose apply prints the host's certificate request on stdout, and nothing else, for Cloudflare's Origin CA to sign.</summary>
    public Step CertificateRequestStep => this[TlsStep.Name];

    /// <summary>Every file any step places, by host path.</summary>
    public IEnumerable<HostFile> Files => Steps.SelectMany(s => s.Files);
}
