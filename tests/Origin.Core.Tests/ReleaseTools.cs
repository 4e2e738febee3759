using System.Diagnostics;
using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// The programs of one Debian release, to check that release's rendered files with: the machine's
/// own when it runs that release (CI runs on Debian 12), otherwise those of a root filesystem of the
/// release made by debootstrap (tests/containers/rootfs SUITE tools, which tests/run runs first),
/// entered with systemd-nspawn over a throwaway overlay (--volatile=overlay: what a program writes,
/// such as nginx's temp directories, vanishes with it, and the cached rootfs stays as built). A test's
/// scratch directory is bound into it at the same path, so paths mean the same inside and out. The
/// container has a network namespace of its own (nft may then check a ruleset against it), unless a
/// test serves from it on the machine's loopback.
/// </summary>
internal sealed class ReleaseTools
{
    public const string RootfsCache = "/var/cache/origin-rootfs";

    public DebianRelease Release { get; }

    /// <summary>The release's root filesystem, or null when the tools are the machine's own.</summary>
    private readonly string? root;

    private ReleaseTools(DebianRelease release, string? root)
    {
        Release = release;
        this.root = root;
    }

    public static IEnumerable<object[]> Releases() => DebianRelease.All.Select(r => new object[] { r.Number });

    public static ReleaseTools For(int number)
    {
        var release = DebianRelease.All.Single(r => r.Number == number);
        if (MachineRelease() == number) return new(release, null);
        var root = Path.Combine(RootfsCache, $"{release.Codename}-tools");
        Assert.True(File.Exists(Path.Combine(root, ".complete")),
            $"no Debian {number} tools at {root}; build them with: tests/containers/rootfs {release.Codename} tools");
        Assert.Equal(number.ToString(), OsReleaseVersion(Path.Combine(root, "etc/os-release")));
        return new(release, root);
    }

    /// <summary>Reads a file of the release (a package's default config, say).</summary>
    public string ReadFile(string path) => File.ReadAllText(OnMachine(path));

    public bool HasFile(string path) => File.Exists(OnMachine(path));

    private string OnMachine(string path) => root is null ? path : Path.Combine(root, path.TrimStart('/'));

    public Tool.Result Run(TempDir scratch, string program, IEnumerable<string> args, IDictionary<string, string>? env = null, int timeoutSeconds = 60)
    {
        if (root is null) return Tool.Run(program, args, env, timeoutSeconds: timeoutSeconds);
        var result = Tool.Run("systemd-nspawn", Nspawn(scratch, program, args, env, hostNetwork: false), timeoutSeconds: timeoutSeconds);
        return result with { Stderr = string.Join('\n', result.Stderr.Split('\n').Where(l => !IsNspawnNoise(l))).Trim() };
    }

    /// <summary>Starts a long-running program on the machine's network (a server the test connects to); <see cref="Stop"/> ends it.</summary>
    public Process Start(TempDir scratch, string program, params string[] args)
    {
        var info = root is null ? new ProcessStartInfo(Tool.Which(program)) : new ProcessStartInfo(Tool.Which("systemd-nspawn"));
        foreach (var a in root is null ? [.. args] : Nspawn(scratch, program, args, null, hostNetwork: true)) info.ArgumentList.Add(a);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        return Process.Start(info)!;
    }

    /// <summary>SIGTERM: systemd-nspawn then ends its container (a SIGKILL would leave the program running).</summary>
    public static void Stop(Process process)
    {
        if (!process.HasExited) Tool.Run("kill", ["-TERM", process.Id.ToString()]);
        if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
    }

    private List<string> Nspawn(TempDir scratch, string program, IEnumerable<string> args, IDictionary<string, string>? env, bool hostNetwork) =>
    [
        // No machined and no systemd on this machine: nothing to register with, no scope to create.
        // --console=pipe: the program's stdout and stderr stay apart, as when run directly.
        "--quiet", "--register=no", "--keep-unit", "--volatile=overlay", "--console=pipe", "--directory=" + root, "--bind=" + scratch.Path,
        .. hostNetwork ? Array.Empty<string>() : ["--private-network"],
        .. (env ?? new Dictionary<string, string>()).Select(kv => $"--setenv={kv.Key}={kv.Value}"),
        "--", program, .. args,
    ];

    /// <summary>systemd-nspawn 252 says this on exit where /run is not a tmpfs, as on this machine; it is not the program's output.</summary>
    private static bool IsNspawnNoise(string line) =>
        line.StartsWith("Attempted to remove disk file system under \"/run/systemd/nspawn/propagate/", StringComparison.Ordinal);

    private static int? MachineRelease() => int.TryParse(OsReleaseVersion("/etc/os-release"), out var n) ? n : null;

    private static string? OsReleaseVersion(string path) =>
        File.ReadLines(path).Where(l => l.StartsWith("VERSION_ID=", StringComparison.Ordinal)).Select(l => l["VERSION_ID=".Length..].Trim('"')).FirstOrDefault();
}
