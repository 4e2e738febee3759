using System.Runtime.InteropServices;

namespace Origin.Box;

/// <summary>Signals and the process table, read from /proc.</summary>
public static partial class Processes
{
    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigQuit = 3;
    public const int SigUsr1 = 10;
    public const int SigCont = 18;
    public const int SigStop = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillSyscall(int pid, int signal);

    /// <summary>Sends a signal; a negative pid signals the whole process group. False if nothing received it.</summary>
    public static bool Signal(int pid, int signal) => KillSyscall(pid, signal) == 0;

    /// <summary>Alive and not a zombie.</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { } s && s.State != 'Z';

    /// <summary>Direct children of a process.</summary>
    public static IReadOnlyList<int> Children(int parent) => All().Where(p => Stat(p)?.Parent == parent).ToList();

    /// <summary>Processes whose command line contains every one of the given arguments.</summary>
    public static IReadOnlyList<int> WithArguments(params string[] args) =>
        All().Where(p => CommandLine(p) is { } cmd && args.All(cmd.Contains)).ToList();

    public static IReadOnlyList<string>? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The soft and hard RLIMIT_NOFILE of a running process.</summary>
    public static (long Soft, long Hard) OpenFileLimit(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var f = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(f[0]), long.Parse(f[1]));
    }

    public static async Task<bool> WaitForExit(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    private static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0).Where(pid => pid > 0);

    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (rest[0][0], int.Parse(rest[1]));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
