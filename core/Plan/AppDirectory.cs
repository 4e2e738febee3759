using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Origin.Binding;

namespace Origin.Plan;

/// <summary>The app directory is not one the stack exports; the message names the setting, the path and the remedy.</summary>
public sealed class AppDirectoryException(string message) : Exception(message);

/// <summary>
/// The stream app's local directory (stream.source.kind local), as it is uploaded to the stream-service
/// stage: exactly the files git tracks under it, from a checkout with nothing uncommitted there, and the
/// hash of what was copied, which says when the app changed. A checkout holds more than the app (a
/// virtualenv, a .env with a developer's secrets, test caches): none of it may reach the host, and none
/// of it may change the hash, since every new hash is a release that restarts the API and its channels.
/// </summary>
public static class AppDirectory
{
    private static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Copies the tracked files of <paramref name="source"/> into a fresh <paramref name="target"/>; returns the SHA-256 of their relative paths and contents.</summary>
    public static string Export(string source, string target)
    {
        var files = TrackedFiles(source);
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var relative in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(source, relative));
            var copy = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.WriteAllBytes(copy, bytes);
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\0"));
            hash.AppendData(bytes);
            hash.AppendData("\0"u8);
        }
        Directory.CreateDirectory(target);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The regular files git tracks under <paramref name="source"/>, relative to it, in ordinal order.
    /// Refuses a directory outside a git work tree, one with changes not committed under it (modified,
    /// staged, deleted, or untracked and not ignored: what HEAD holds is what the host gets, and a file
    /// left untracked by mistake is named rather than silently left behind), one with submodules or
    /// symbolic links (a link's target may be anything, a .env included), and one git tracks nothing in.
    /// </summary>
    public static IReadOnlyList<string> TrackedFiles(string source)
    {
        if (!Directory.Exists(source)) throw Refused(source, "does not exist");
        var inside = Git(source, "rev-parse", "--is-inside-work-tree");
        if (inside.ExitCode != 0 || inside.Stdout.Trim() != "true")
            throw Refused(source, $"is not in a git work tree ({FirstLine(inside.Stderr)}). The app is exported as git tracks it " +
                                  "(git ls-files), so that a .venv, a .env or caches never reach the host: deploy from a checkout of the app's repository");

        // Porcelain v1 with -z: "XY path\0" per entry, "XY new\0old\0" for a rename (https://git-scm.com/docs/git-status#_porcelain_format_version_1).
        var status = Succeed(source, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".");
        var changed = status.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(e => e.Length > 3 && e[2] == ' ').Select(e => e[3..]).ToList();
        if (changed.Count > 0)
            throw Refused(source, $"has changes that are not committed: {Sample(changed)}. The host gets what HEAD holds: " +
                                  "commit them, or list what must never be deployed in .gitignore");

        // --stage prints "mode object stage\tpath"; -z ends each entry with NUL and leaves paths unquoted
        // (https://git-scm.com/docs/git-ls-files). Run in source, paths are relative to it and only below it.
        var entries = Succeed(source, "ls-files", "-z", "--stage", "--", ".").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => (Mode: e[..e.IndexOf(' ')], Path: e[(e.IndexOf('\t') + 1)..])).ToList();
        var notFiles = entries.Where(e => e.Mode is not ("100644" or "100755")).Select(e => $"{e.Path} ({Kind(e.Mode)})").ToList();
        if (notFiles.Count > 0)
            throw Refused(source, $"tracks entries that are not regular files: {Sample(notFiles)}. Only files are exported: replace them with the files they stand for");
        if (entries.Count == 0)
            throw Refused(source, "holds no file that git tracks: add the app's files to its repository and commit them");
        return entries.Select(e => e.Path).Order(StringComparer.Ordinal).ToList();
    }

    private static AppDirectoryException Refused(string source, string why) =>
        new($"{ConfigKeys.Of("stream.source.path")}: the app directory {source} {why}");

    private static string Kind(string mode) => mode switch
    {
        "120000" => "a symbolic link",
        "160000" => "a submodule",
        _ => $"mode {mode}",
    };

    private static string Sample(IReadOnlyList<string> paths) =>
        string.Join(", ", paths.Take(5)) + (paths.Count > 5 ? $" and {paths.Count - 5} more" : "");

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.TrimEntries)[0];

    private static string Succeed(string dir, params string[] args)
    {
        var result = Git(dir, args);
        return result.ExitCode == 0 ? result.Stdout
            : throw Refused(dir, $"cannot be read by git {args[0]} (exit code {result.ExitCode}): {FirstLine(result.Stderr)}");
    }

    private static (int ExitCode, string Stdout, string Stderr) Git(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-C", dir, .. args]) start.ArgumentList.Add(a);
        // A GIT_DIR or GIT_WORK_TREE inherited from a hook or a wrapper would make git describe another
        // repository than the one at dir (https://git-scm.com/docs/git#_the_git_repository).
        foreach (var inherited in new[] { "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE" }) start.Environment.Remove(inherited);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw Refused(dir, "cannot be read: git did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw Refused(dir, $"cannot be read: git is needed to export the app and did not run ({e.Message})");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(GitTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw Refused(dir, $"cannot be read: git {args[0]} did not finish in {GitTimeout.TotalSeconds} s");
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
