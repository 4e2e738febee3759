using System.Diagnostics;

namespace Origin.Tests;

/// <summary>Runs the real tools the rendered files are checked with. A missing tool fails the test: CI installs them all.</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    public static Result Run(string program, IEnumerable<string> args, IDictionary<string, string>? env = null, string? stdin = null, int timeoutSeconds = 60)
    {
        var info = new ProcessStartInfo(Which(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Succeed(string program, params string[] args)
    {
        var result = Run(program, args);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Output}");
        return result;
    }

    /// <summary>The tool's full path; fails (never skips) when it is not installed.</summary>
    public static string Which(string program)
    {
        if (program.Contains('/')) return program;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        Assert.Fail($"{program} is not installed; tests/setup installs every tool the tests use (tests/run runs it first)");
        return program;
    }
}

/// <summary>A scratch directory removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; }

    public TempDir() => Path = Directory.CreateTempSubdirectory("origin-test-").FullName;

    /// <summary>A scratch directory under <paramref name="parent"/>, such as a tmpfs.</summary>
    public TempDir(string parent) => Path = Directory.CreateDirectory(System.IO.Path.Combine(parent, "origin-test-" + Guid.NewGuid().ToString("N")[..12])).FullName;

    public string this[string relative] => System.IO.Path.Combine(Path, relative.TrimStart('/'));

    public string Write(string relative, string content)
    {
        var file = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
