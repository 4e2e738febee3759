namespace Origin.Box;

/// <summary>Where things are in this repository, found from the running assembly upwards.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string ProdStack => Path.Combine(Root, "Pulumi.prod.yaml");

    /// <summary>127.0.0.0/8 listed as Cloudflare's ranges, so loopback clients may send CF-Connecting-IP.</summary>
    public static string LoopbackEdgeRanges => Path.Combine(Root, "tests", "fixtures", "loopback-edge-ips.json");

    /// <summary>The stream API fixture (stream_api.py), documented in its header.</summary>
    public static string StreamApiFixture => Path.Combine(Root, "tests", "fixtures", "stream-api");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")) && File.Exists(Path.Combine(dir.FullName, "core", "Origin.Core.csproj")))
                return dir.FullName;
        throw new InvalidOperationException($"no repository root (Pulumi.yaml beside core/) above {AppContext.BaseDirectory}");
    }
}
