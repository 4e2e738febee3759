namespace Origin.Box;

/// <summary>
/// A temporary directory that stands for the host's "/": every file the plan places on the host goes
/// to the same path under it. Removed on dispose.
/// </summary>
public sealed class HostRoot : IDisposable
{
    public string Dir { get; }

    public HostRoot()
    {
        Dir = Directory.CreateTempSubdirectory("origin-box-").FullName;
        // nginx workers run as www-data (the rendered "user" line) and must reach the HLS directory.
        Chmod(Dir, (UnixFileMode)0b111_101_101);
    }

    /// <summary>The host path under this root.</summary>
    public string this[string hostPath] => hostPath.StartsWith('/') ? Dir + hostPath : throw new ArgumentException($"not an absolute host path: {hostPath}");

    public string Write(string hostPath, string content, UnixFileMode? mode = null)
    {
        var path = this[hostPath];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        if (mode is { } m) Chmod(path, m);
        return path;
    }

    private static void Chmod(string path, UnixFileMode mode)
    {
        // Like everything in the box (/proc, signals, setsid, prlimit), Linux only.
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the box runs on Linux");
        File.SetUnixFileMode(path, mode);
    }

    public string CreateDirectory(string hostPath) => Directory.CreateDirectory(this[hostPath]).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its stop may still be writing; the temp directory is reclaimed anyway.
        }
    }
}
