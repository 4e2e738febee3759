using System.Diagnostics;
using System.Globalization;

namespace Origin.Box;

/// <summary>
/// A service launched from its (relocated) systemd unit, with what the box's tests need of it and
/// nothing more: the environment files, working directory, LimitNOFILE (raised with prlimit, as root,
/// like systemd), ExecStartPre/ExecStart/ExecReload/ExecStop/ExecStopPost, Type simple/notify/forking
/// with PIDFile, and a stop that ends the whole process group. It is a launcher, not a supervisor:
/// what rests on systemd's semantics (Restart=, KillMode=, readiness, the sandbox) is checked under
/// the real systemd in the containers (tests/vm/lib/assert-restarts.sh, assert-sandbox.sh).
/// Every other directive must be listed in <see cref="SystemdOnly"/>, so a new one is a decision.
/// </summary>
public sealed class UnitProcess : IAsyncDisposable
{
    public static readonly IReadOnlySet<string> Honoured = new HashSet<string>
    {
        "Type", "ExecStartPre", "ExecStart", "ExecReload", "ExecStop", "ExecStopPost", "PIDFile", "WorkingDirectory", "EnvironmentFile",
        "LimitNOFILE", "RuntimeDirectory", "StateDirectory",
    };

    private const string Sandbox = "systemd sandboxing: the containers run it under systemd (assert-sandbox.sh); the box does not";
    private const string Supervision = "supervision: the containers kill each service under systemd (assert-restarts.sh); the box does not restart";

    /// <summary>Directives the box does not reproduce, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> SystemdOnly = new Dictionary<string, string>
    {
        ["User"] = "the box runs every service as the test's own user",
        ["Group"] = "the box runs every service as the test's own user",
        ["UMask"] = "file modes are not under test",
        ["RuntimeDirectoryMode"] = "file modes are not under test",
        ["TimeoutStopSec"] = "the box bounds every stop itself",
        ["Nice"] = "scheduling priority is not under test",
        ["SendSIGKILL"] = "the box ends whatever is left of a stopped service itself",
        ["Restart"] = Supervision, ["RestartSec"] = Supervision, ["KillMode"] = Supervision,
        ["LimitMEMLOCK"] = "locked memory is not under test",
        ["PrivateNetwork"] = Sandbox, ["IPAddressDeny"] = Sandbox, ["ProcSubset"] = Sandbox, ["DeviceAllow"] = Sandbox,
        ["DevicePolicy"] = Sandbox, ["AmbientCapabilities"] = Sandbox,
        ["NoNewPrivileges"] = Sandbox, ["ProtectSystem"] = Sandbox, ["ProtectHome"] = Sandbox, ["PrivateTmp"] = Sandbox,
        ["PrivateDevices"] = Sandbox, ["PrivateUsers"] = Sandbox, ["PrivateMounts"] = Sandbox, ["ProtectKernelTunables"] = Sandbox,
        ["ProtectKernelModules"] = Sandbox, ["ProtectKernelLogs"] = Sandbox, ["ProtectControlGroups"] = Sandbox,
        ["ProtectClock"] = Sandbox, ["ProtectHostname"] = Sandbox, ["ProtectProc"] = Sandbox, ["RestrictSUIDSGID"] = Sandbox,
        ["RestrictNamespaces"] = Sandbox, ["RestrictRealtime"] = Sandbox, ["RestrictAddressFamilies"] = Sandbox,
        ["LockPersonality"] = Sandbox, ["MemoryDenyWriteExecute"] = Sandbox, ["ReadWritePaths"] = Sandbox,
        ["ReadWriteDirectories"] = Sandbox, ["NoExecPaths"] = Sandbox, ["ExecPaths"] = Sandbox,
        ["CapabilityBoundingSet"] = Sandbox, ["SystemCallArchitectures"] = Sandbox, ["SystemCallFilter"] = Sandbox,
        ["SystemCallErrorNumber"] = Sandbox,
        ["RemoveIPC"] = Sandbox, ["ProcSubset"] = Sandbox, ["KeyringMode"] = Sandbox, ["PrivateNetwork"] = Sandbox,
        ["IPAddressDeny"] = Sandbox,
    };

    /// <summary>What systemd gives a system service without LimitNOFILE (DefaultLimitNOFILE since v240).</summary>
    public const string DefaultLimitNofile = "1024:524288";

    private const string SystemdPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly SystemdUnit _unit;
    private readonly Dictionary<string, string> _env;
    private readonly string _cwd;
    private bool _stopped;

    public string Name => _unit.Name;
    public string LogPath { get; }
    public int MainPid { get; private set; }

    private UnitProcess(SystemdUnit unit, HostRoot root, IReadOnlyDictionary<string, string>? extraEnv)
    {
        var unknown = unit.Keys.Where(k => !Honoured.Contains(k) && !SystemdOnly.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new NotSupportedException($"{unit.Name}: [Service] {string.Join(", ", unknown)} neither honoured by the box nor listed as systemd-only in UnitProcess");
        _unit = unit;
        LogPath = root[$"/var/log/box/{unit.Name}.log"];
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        _env = new Dictionary<string, string> { ["PATH"] = SystemdPath };
        foreach (var file in unit.All("EnvironmentFile"))
        {
            var optional = file.StartsWith('-');
            var path = optional ? file[1..] : file;
            if (!File.Exists(path) && optional) continue;
            foreach (var (k, v) in SystemdUnit.ReadEnvironmentFile(File.ReadAllText(path))) _env[k] = v;
        }
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>()) _env[k] = v;
        _cwd = unit.Get("WorkingDirectory") ?? "/";
        foreach (var dir in unit.All("RuntimeDirectory")) root.CreateDirectory("/run/" + dir);
        foreach (var dir in unit.All("StateDirectory")) root.CreateDirectory("/var/lib/" + dir);
    }

    /// <summary>Starts the unit and waits until <paramref name="ready"/> says it serves, or throws with its log.</summary>
    public static async Task<UnitProcess> Start(SystemdUnit unit, HostRoot root, Func<Task<bool>> ready, TimeSpan timeout, IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        var service = new UnitProcess(unit, root, extraEnv);
        try
        {
            await service.Launch(timeout);
            var deadline = DateTime.UtcNow + timeout;
            while (!await Probe(ready))
            {
                if (!Processes.IsAlive(service.MainPid)) throw new InvalidOperationException("exited while starting");
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"not ready in {timeout.TotalSeconds} s");
                await Task.Delay(50);
            }
            return service;
        }
        catch (Exception e)
        {
            await service.DisposeAsync();
            throw new InvalidOperationException($"{unit.Name}: {e.Message}\n--- {service.LogPath}:\n{service.LogTail()}", e);
        }
    }

    /// <summary>Runs a Type=oneshot unit to completion.</summary>
    public static async Task<Run.Result> RunOneshot(SystemdUnit unit, HostRoot root, TimeSpan timeout)
    {
        await using var service = new UnitProcess(unit, root, null);
        Run.Result result = new(0, "", "");
        foreach (var line in unit.All("ExecStart"))
        {
            var argv = service.Expand(SystemdUnit.Command(line));
            result = Run.Capture(argv[0], argv[1..], timeout, service._env, service._cwd);
            if (result.ExitCode != 0) break;
        }
        return result;
    }

    /// <summary>
    /// `systemctl reload`: each ExecReload= in turn, with $MAINPID the main process's pid, as systemd
    /// sets it (https://www.freedesktop.org/software/systemd/man/252/systemd.service.html, ExecReload=).
    /// </summary>
    public async Task Reload(TimeSpan timeout)
    {
        foreach (var line in _unit.All("ExecReload"))
        {
            using var p = Spawn(line.Replace("$MAINPID", MainPid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            if (!await Exited(p, timeout) || p.ExitCode != 0) throw new InvalidOperationException($"{Name}: ExecReload {line} failed\n{LogTail()}");
        }
    }

    public string LogTail(int lines = 40) =>
        File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "(no log)";

    private async Task Launch(TimeSpan timeout)
    {
        foreach (var pre in _unit.All("ExecStartPre"))
        {
            using var p = Spawn(pre);
            if (!await Exited(p, timeout) || p.ExitCode != 0) throw new InvalidOperationException($"{Name}: ExecStartPre {pre} failed");
        }
        var start = _unit.Get("ExecStart") ?? throw new InvalidOperationException($"{Name} has no ExecStart");
        var process = Spawn(start);
        if (_unit.Get("Type") == "forking")
        {
            using (process)
                if (!await Exited(process, timeout) || process.ExitCode != 0) throw new InvalidOperationException($"{Name}: ExecStart {start} failed");
            var pidFile = _unit.Get("PIDFile") ?? throw new InvalidOperationException($"{Name}: forking without PIDFile");
            MainPid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        }
        else
        {
            MainPid = process.Id;
            process.Dispose(); // the pid is watched through /proc; the runtime reaps the child
        }
    }

    /// <summary>
    /// The unit's LimitNOFILE (systemd's default without one), capped at the hard limit this process
    /// has: without CAP_SYS_RESOURCE not even root may raise it, and the box says so in the log.
    /// </summary>
    public (long Soft, long Hard) NofileLimit
    {
        get
        {
            var limit = (_unit.Get("LimitNOFILE") ?? DefaultLimitNofile).Split(':');
            var (soft, hard) = (long.Parse(limit[0], CultureInfo.InvariantCulture), long.Parse(limit[^1], CultureInfo.InvariantCulture));
            var cap = Processes.OpenFileLimit(Environment.ProcessId).Hard;
            return (Math.Min(soft, cap), Math.Min(hard, cap));
        }
    }

    /// <summary>The command in its own session (so a stop reaches every descendant) with the unit's descriptor limit and log.</summary>
    private Process Spawn(string commandLine)
    {
        var (soft, hard) = NofileLimit;
        if (_unit.Get("LimitNOFILE") is { } asked && asked.Split(':').Any(v => long.Parse(v, CultureInfo.InvariantCulture) > hard))
            File.AppendAllText(LogPath, $"--- box: LimitNOFILE={asked} is above this machine's hard limit; running with {soft}:{hard}\n");
        var nofile = $"{soft}:{hard}";
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = _cwd };
        foreach (var a in (string[])["-c", "log=$1; shift; exec \"$@\" < /dev/null >> \"$log\" 2>&1", "sh", LogPath,
                     Tools.Setsid, Tools.Prlimit, $"--nofile={nofile}", "--", .. Expand(SystemdUnit.Command(commandLine))])
            start.ArgumentList.Add(a);
        start.Environment.Clear();
        foreach (var (k, v) in _env) start.Environment[k] = v;
        return Process.Start(start) ?? throw new InvalidOperationException($"{Name}: cannot start {commandLine}");
    }

    /// <summary>
    /// "$NAME" as a word of its own becomes the variable's value split at whitespace, as systemd expands
    /// unbraced variables in Exec lines (systemd.service(5), "Command lines"); Debian's exporter units pass $ARGS so.
    /// </summary>
    private string[] Expand(string[] argv) =>
        argv.SelectMany(word => word.Length > 1 && word[0] == '$' && _env.TryGetValue(word[1..], out var value)
            ? value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : [word]).ToArray();

    private static async Task<bool> Exited(Process p, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> Probe(Func<Task<bool>> ready)
    {
        try
        {
            return await ready();
        }
        catch (Exception e) when (e is IOException or HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>ExecStop (or SIGTERM), then SIGKILL for whatever is left of the process group.</summary>
    public async Task Stop(TimeSpan? timeout = null)
    {
        if (_stopped) return;
        _stopped = true;
        if (MainPid == 0) return;
        if (_unit.Get("ExecStop") is { } stop)
        {
            var argv = SystemdUnit.Command(stop.Replace("$MAINPID", MainPid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            Run.Capture(argv[0], argv[1..], TimeSpan.FromSeconds(10));
        }
        else
        {
            Processes.Signal(MainPid, Processes.SigTerm);
        }
        await Processes.WaitForExit(MainPid, timeout ?? TimeSpan.FromSeconds(15));
        Processes.Signal(-MainPid, Processes.SigKill);
        Processes.Signal(MainPid, Processes.SigKill);
        StopPost();
    }

    /// <summary>ExecStopPost, as systemd runs it after a stop.</summary>
    private void StopPost()
    {
        foreach (var line in _unit.All("ExecStopPost"))
        {
            var argv = SystemdUnit.Command(line);
            Run.Capture(argv[0], argv[1..], TimeSpan.FromSeconds(10), _env, _cwd);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
    }
}
