using Origin.Plan;

namespace Origin.Tests;

/// <summary>The app export uploads what git tracks in the app's directory, from a checkout with nothing uncommitted, and nothing else.</summary>
public sealed class AppDirectoryTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("origin-app-export-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Only_what_git_tracks_under_the_app_directory_is_exported_and_hashed()
    {
        // A monorepo checkout: the app in a subdirectory, a developer's environment in and around it.
        var repo = NewRepo("checkout", new()
        {
            ["README.md"] = "not the app\n",
            ["app/.gitignore"] = ".venv/\n.env\n__pycache__/\n.pytest_cache/\n",
            ["app/stream_api.py"] = "app = None\n",
            ["app/lib/util.py"] = "X = 1\n",
        });
        var app = Path.Combine(repo, "app");
        var clean = Export(app, "clean");
        Write(app, ".venv/bin/python", "#!/bin/sh\n");
        Write(app, ".env", "REDIS_PASSWORD=hunter2\n");
        Write(app, "__pycache__/stream_api.cpython-311.pyc", "\0bytecode");
        Write(app, "lib/__pycache__/util.cpython-311.pyc", "\0bytecode");
        Write(app, ".pytest_cache/v/cache/lastfailed", "{}");

        var cluttered = Export(app, "cluttered");
        Assert.Equal([".gitignore", "lib/util.py", "stream_api.py"], Relative(Path.Combine(_scratch, "cluttered")));
        Assert.Equal(clean, cluttered);

        Write(app, ".env", "REDIS_PASSWORD=rotated\n");
        Assert.Equal(clean, Export(app, "env-changed"));
        // What is tracked does count.
        Write(app, "stream_api.py", "app = 1\n");
        Git(repo, "commit", "-qam", "change the app");
        Assert.NotEqual(clean, Export(app, "app-changed"));
    }

    [Fact]
    public void A_directory_outside_git_is_refused_with_the_setting_and_the_path()
    {
        var plain = Path.Combine(_scratch, "plain");
        Write(plain, "stream_api.py", "app = None\n");

        var error = Assert.Throws<AppDirectoryException>(() => AppDirectory.Export(plain, Path.Combine(_scratch, "out")));

        Assert.StartsWith("origin:stream.source.path: ", error.Message);
        Assert.Contains(plain, error.Message);
        Assert.Contains("not in a git work tree", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_scratch, "out")));
    }

    [Theory]
    [InlineData("modified", "stream_api.py")]
    [InlineData("untracked", "settings_local.py")]
    [InlineData("deleted", "stream_api.py")]
    public void Uncommitted_changes_under_the_app_are_refused_and_named(string change, string path)
    {
        var repo = NewRepo("checkout", new() { ["stream_api.py"] = "app = None\n" });
        switch (change)
        {
            case "deleted": File.Delete(Path.Combine(repo, path)); break;
            default: Write(repo, path, "changed\n"); break;
        }

        var error = Assert.Throws<AppDirectoryException>(() => AppDirectory.Export(repo, Path.Combine(_scratch, "out")));

        Assert.Contains("not committed", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_tracked_symbolic_link_is_refused()
    {
        var repo = NewRepo("checkout", new() { ["stream_api.py"] = "app = None\n" });
        File.CreateSymbolicLink(Path.Combine(repo, "secrets.env"), "/etc/hostname");
        Git(repo, "add", "secrets.env");
        Git(repo, "commit", "-qm", "a link");

        var error = Assert.Throws<AppDirectoryException>(() => AppDirectory.Export(repo, Path.Combine(_scratch, "out")));

        Assert.Contains("secrets.env (a symbolic link)", error.Message);
    }

    /// <summary>A git repository with these files committed.</summary>
    private string NewRepo(string name, Dictionary<string, string> files)
    {
        var repo = Path.Combine(_scratch, name);
        foreach (var (path, text) in files) Write(repo, path, text);
        Git(repo, "init", "-q", "-b", "main");
        Git(repo, "add", "-A");
        Git(repo, "commit", "-qm", "the app");
        return repo;
    }

    private string Export(string app, string into) => AppDirectory.Export(app, Path.Combine(_scratch, into));

    private static void Write(string dir, string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static IReadOnlyList<string> Relative(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal).ToList();

    private static void Git(string repo, params string[] args)
    {
        var result = Tool.Run("git", ["-C", repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", .. args]);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', args)}: {result.Output}");
    }
}
