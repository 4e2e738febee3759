using Origin.Capacity;
using Origin.Settings;
using Origin.Values;
using static Origin.Binding.ConfigKeys;

namespace Origin.Validation;

/// <summary>The HLS tmpfs, its cleanup, and the directories the stack owns.</summary>
internal static class StorageRules
{
    /// <summary>Mounting a tmpfs over one of these, or making one the app's install dir, would hide or wreck the system.</summary>
    private static readonly string[] SystemDirs =
        ["/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/log", "/var/cache", "/var/tmp", "/var/www"];

    public static void Check(OriginSettings s, Sizing sizing, Findings f)
    {
        CheckOwnDir(s.Hls.Dir, "hls.dir", f);
        CheckOwnDir(s.Stream.InstallDir, "stream.installDir", f);
        CheckOwnDir(s.Nginx.Prefix, "nginx.prefix", f);
        var owned = new (AbsolutePath Path, string Key)[] { (s.Hls.Dir, "hls.dir"), (s.Stream.InstallDir, "stream.installDir"), (s.Nginx.Prefix, "nginx.prefix") };
        foreach (var a in owned)
            foreach (var b in owned.Where(b => b.Key != a.Key && (a.Path == b.Path || a.Path.IsUnder(b.Path))))
                f.Error(Of(a.Key), $"a directory apart from {Of(b.Key)} ({b.Path})", Findings.Show(a.Path.Value));

        if (sizing.CleanupAge.Seconds < sizing.MinimumCleanupAge.Seconds)
            f.Error(Of("hls.cleanupAge"),
                $"at least {sizing.MinimumCleanupAge} (segmentSeconds {s.Hls.SegmentSeconds} x (listSize {s.Hls.ListSize} + the {sizing.DeleteThreshold} segments kept after it, RFC 8216 6.2.2)): a segment must outlive every playlist that lists it",
                sizing.CleanupAge.ToString());
        if (s.Hls.CleanupInterval.Seconds < 1 || s.Hls.CleanupInterval.Seconds * 2 > sizing.CleanupAge.Seconds)
            f.Error(Of("hls.cleanupInterval"), $"from 1s to half the cleanup age ({sizing.CleanupAge.Seconds / 2}s)", s.Hls.CleanupInterval.ToString());

        if (sizing.Ram is not { } ram) return;
        var half = new ByteSize(ram.Bytes / 2);
        if (sizing.TmpfsSize.Bytes > half.Bytes)
            f.Error(Of("hls.tmpfsSize"), $"at most half the RAM ({half}): tmpfs pages cannot be reclaimed, and an oversized tmpfs can exhaust memory", $"{sizing.TmpfsSize}{(s.Hls.TmpfsSize is null ? " (computed from capacity)" : "")}");
        var tmp = sizing.TmpTmpfsSize;
        var committed = sizing.TmpfsSize.Bytes + s.Redis.Maxmemory.Bytes + sizing.ServiceReserve.Bytes + (tmp?.Bytes ?? 0);
        if (committed > ram.Bytes)
            f.Error(Of("hls.tmpfsSize"), $"tmpfs + redis.maxmemory ({s.Redis.Maxmemory}) + service reserve ({sizing.ServiceReserve}){(tmp is null ? "" : $" + /tmp on tmpfs (host.tmpSize {tmp})")} within host RAM {ram}", $"{sizing.TmpfsSize}, which commits {new ByteSize(committed)}");
    }

    private static void CheckOwnDir(AbsolutePath path, string key, Findings f)
    {
        if (SystemDirs.Any(d => d == path.Value || d.StartsWith(path.Value + "/", StringComparison.Ordinal)))
            f.Error(Of(key), "a directory of the origin's own, not a system directory or one of its parents", Findings.Show(path.Value));
    }
}
