using Origin.Binding;
using Origin.Plan;
using Origin.Settings;
using static Origin.Tests.FindingsAssert;

namespace Origin.Tests;

/// <summary>host.release: what it accepts, what it changes in the plan (only what DebianRelease says), and the checks it drives.</summary>
public class ReleaseTests
{
    private const string TmpDropIn = "/etc/systemd/system/tmp.mount.d/origin-size.conf";

    private static OriginConfig.Loaded Hcloud(params string[] changes) =>
        OriginConfig.Load(changes.Aggregate(StackConfig.ReadStackFile(Repo.Path("tests", "fixtures", "Pulumi.hcloud-test.yaml")),
            (sections, change) => StackConfig.With(sections, change[..change.IndexOf('=')], change[(change.IndexOf('=') + 1)..])));

    [Fact]
    public void A_new_stack_runs_Debian_13_and_the_audited_host_declares_12()
    {
        Assert.Equal(DebianVersion.Debian13, Hcloud().Valid.Host.Release);
        Assert.Equal(DebianVersion.Debian12, Stacks.Valid().Host.Release);
    }

    [Fact]
    public void Only_the_supported_releases_are_accepted()
    {
        Assert.Equal("expected one of 12, 13, got \"11\"", ErrorAt(Stacks.Load("host.release=11"), "origin:host.release"));
        Assert.Equal("expected one of 12, 13, got \"trixie\"", ErrorAt(Stacks.Load("host.release=trixie"), "origin:host.release"));
    }

    [Fact]
    public void The_hcloud_image_follows_the_release_and_another_releases_image_is_refused()
    {
        NoErrors(Hcloud("host.hcloud.image=debian-13"));
        NoErrors(Hcloud("host.release=12", "host.hcloud.image=debian-12"));
        Assert.Equal("expected debian-13, the image of host.release 13 (or leave it out), got \"debian-12\"",
            ErrorAt(Hcloud("host.hcloud.image=debian-12"), "origin:host.hcloud.image"));
        Assert.Equal("debian-13", DebianRelease.Trixie.HcloudImage);
    }

    [Fact]
    public void On_Debian_13_the_tmp_tmpfs_counts_in_the_RAM_budget()
    {
        // 64g of RAM: the HLS tmpfs, Redis and the reserve fit; 62g more for /tmp do not, on 13 only.
        NoErrors(Stacks.Load("host.release=12", "host.tmpSize=62g"));
        var message = ErrorAt(Stacks.Load("host.release=13", "host.tmpSize=62g"), "origin:hls.tmpfsSize");
        Assert.Contains("/tmp on tmpfs (host.tmpSize 62g)", message);
        NoErrors(Stacks.Load("host.release=13"));
    }

    [Fact]
    public void The_plans_of_the_two_releases_differ_only_in_the_tmp_limit()
    {
        var bookworm = PlanBundle.Files(Stacks.ProdPlan("host.release=12"));
        var trixie = PlanBundle.Files(Stacks.ProdPlan("host.release=13"));
        var differing = bookworm.Keys.Union(trixie.Keys)
            .Where(k => !bookworm.TryGetValue(k, out var b) || !trixie.TryGetValue(k, out var t) || b != t).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["files" + TmpDropIn, "plan.json", "steps/05-hls-storage/apply.sh", "steps/05-hls-storage/revert.sh", "verify.sh"], differing);
        Assert.Contains("Options=mode=1777,strictatime,nosuid,nodev,size=1048576k,nr_inodes=1m", trixie["files" + TmpDropIn]);
        Assert.Contains("check '/tmp is a tmpfs of 1g' tmpfs_size_kib /tmp 1048576", trixie["verify.sh"]);
        Assert.DoesNotContain("/tmp", bookworm["verify.sh"]);
    }

    [Fact]
    public void Scripts_never_branch_on_the_release()
    {
        foreach (var (path, content) in PlanBundle.Files(Stacks.ProdPlan("host.release=13")).Where(kv => kv.Key.EndsWith(".sh", StringComparison.Ordinal)))
            Assert.DoesNotMatch(@"VERSION_ID|os-release|trixie|bookworm", content);
    }

    [Fact]
    public void The_bundle_names_its_release_and_probe()
    {
        var json = PlanBundle.Files(Stacks.ProdPlan("host.release=13"))["plan.json"];
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var release = doc.RootElement.GetProperty("release");
        Assert.Equal(13, release.GetProperty("number").GetInt32());
        Assert.Equal("trixie", release.GetProperty("codename").GetString());
        Assert.Equal(DebianRelease.Trixie.ProbeCommand, release.GetProperty("probeCommand").GetString());
    }
}
