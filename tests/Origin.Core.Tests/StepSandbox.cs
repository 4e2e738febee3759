using Origin.Plan;

namespace Origin.Tests;

/// <summary>
/// A step's real scripts, run as the converge runs them (its stage uploaded, its command lines
/// verbatim) under a scratch root: only the stack's own directories are moved there, and nft,
/// systemctl and systemd-run are the stand-ins in tests/fixtures/fake-host-tools, so timers can be
/// fired and reboots played in a second. Runs as root, like the scripts (lib.sh refuses anything else).
/// </summary>
internal sealed class StepSandbox : IDisposable
{
    private readonly TempDir _root = new();

    /// <summary>The host paths the sandboxed steps touch (firewall, nginx-config, the packages library), each moved to the same path under the root.</summary>
    private static readonly string[] Moved =
    [
        Step.StateDir, "/etc/origin-stack", "/etc/systemd/system",
        "/opt/nginx", "/etc/logrotate.d", "/var/log/nginx", "/var/cache/nginx", "/usr/sbin/policy-rc.d",
    ];

    /// <summary>Stands in for nginx's port 80, which wait_for_tcp waits on: the sandbox cannot take the host's.</summary>
    private readonly System.Net.Sockets.TcpListener _http = new(System.Net.IPAddress.Loopback, 0);

    public string Fake => _root["fake"];

    public StepSandbox()
    {
        Directory.CreateDirectory(Fake);
        _http.Start();
    }

    /// <summary>A host path as the sandbox has it.</summary>
    public string this[string hostPath] => _root[hostPath];

    public string Relocate(string text)
    {
        foreach (var dir in Moved) text = text.Replace(dir, _root[dir], StringComparison.Ordinal);
        text = text.Replace("wait_for_tcp 80 ", $"wait_for_tcp {((System.Net.IPEndPoint)_http.LocalEndpoint).Port} ", StringComparison.Ordinal);
        // The rollback names nft by its full path, as a transient unit has no PATH of the converge's.
        return text.Replace("/usr/sbin/nft", "nft", StringComparison.Ordinal);
    }

    /// <summary>Uploads the step's files and scripts to its stage, as the CopyToRemote resources do.</summary>
    public void Stage(Step step)
    {
        foreach (var (path, content) in step.StagedFiles()) _root.Write(Relocate(path)[_root.Path.Length..], Relocate(content));
    }

    /// <summary>Runs a command line of the plan with the stand-ins first on PATH.</summary>
    public Tool.Result Run(string commandLine, int timeoutSeconds = 60) =>
        Tool.Run("bash", ["-c", Relocate(commandLine)], new Dictionary<string, string>
        {
            ["PATH"] = Repo.Path("tests", "fixtures", "fake-host-tools") + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_HOST"] = Fake,
            ["FAKE_UNIT_DIR"] = _root["/etc/systemd/system"],
        }, timeoutSeconds: timeoutSeconds);

    public string? Read(string hostPath) => File.Exists(this[hostPath]) ? File.ReadAllText(this[hostPath]) : null;

    /// <summary>The timers systemd-run armed and nothing has stopped, by unit name.</summary>
    public IReadOnlyList<string> Timers => Directory.Exists(Path.Combine(Fake, "timers"))
        ? Directory.GetFiles(Path.Combine(Fake, "timers")).Select(f => Path.GetFileName(f)).Order().ToList()
        : [];

    /// <summary>The timer's time has come: its command runs, as the transient unit would run it.</summary>
    public Tool.Result Fire(string timer)
    {
        var script = Path.Combine(Fake, "timers", timer);
        var result = Run("bash " + script);
        File.Delete(script);
        return result;
    }

    /// <summary>A reboot forgets transient timers, the services it had started and what nft had loaded;
    /// then the enabled services start again, as the boot starts them.</summary>
    public void Reboot()
    {
        foreach (var forgotten in new[] { "timers", "active" })
            if (Directory.Exists(Path.Combine(Fake, forgotten))) Directory.Delete(Path.Combine(Fake, forgotten), recursive: true);
        File.Delete(Path.Combine(Fake, "live.nft"));
        var enabled = Path.Combine(Fake, "enabled");
        foreach (var unit in Directory.Exists(enabled) ? Directory.GetFiles(enabled).Select(f => Path.GetFileName(f)!).Order().ToList() : [])
        {
            var start = Run($"systemctl start {unit}");
            if (start.ExitCode != 0) throw new InvalidOperationException($"{unit} failed to start at boot: {start.Output}");
        }
    }

    /// <summary>What the services started in the sandbox wrote, as their journal would have it.</summary>
    public string Journal => File.Exists(Path.Combine(Fake, "journal")) ? File.ReadAllText(Path.Combine(Fake, "journal")) : "";

    /// <summary>What the fake nft has loaded, or null for no origin table.</summary>
    public string? Live => File.Exists(Path.Combine(Fake, "live.nft")) ? File.ReadAllText(Path.Combine(Fake, "live.nft")) : null;

    /// <summary>The services' calls to systemctl, one a line, since the last <see cref="ForgetCalls"/>.</summary>
    public IReadOnlyList<string> SystemctlCalls => File.Exists(Path.Combine(Fake, "systemctl.log")) ? File.ReadAllLines(Path.Combine(Fake, "systemctl.log")) : [];

    public void ForgetCalls() => File.Delete(Path.Combine(Fake, "systemctl.log"));

    /// <summary>Writes a file at a host path as the sandbox has it (a supplied file, a binary).</summary>
    public void Put(string hostPath, string content, string mode = "644")
    {
        _root.Write(Relocate(hostPath)[_root.Path.Length..], content);
        Tool.Succeed("chmod", mode, this[hostPath]);
    }

    public void Dispose()
    {
        _http.Stop();
        _root.Dispose();
    }
}
