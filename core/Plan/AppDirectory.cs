using System.Security.Cryptography;
using System.Text;
using Origin.Binding;

namespace Origin.Plan;

/// <summary>
/// The stream app's local directory (stream.source.kind local), as it is uploaded to the stream-service
/// stage: a copy without version-control metadata and caches, which change when the app does not, and
/// the hash of what was copied, which says when the app changed.
/// </summary>
public static class AppDirectory
{
    /// <summary>Directory names never uploaded.</summary>
    public static readonly IReadOnlySet<string> Skipped = new HashSet<string>(StringComparer.Ordinal) { ".git", ".hg", ".svn", "__pycache__" };

    /// <summary>Copies every file of <paramref name="source"/> but <see cref="Skipped"/> into a fresh <paramref name="target"/>; returns the SHA-256 of the relative paths and contents copied.</summary>
    public static string Export(string source, string target)
    {
        if (!Directory.Exists(source))
            throw new DirectoryNotFoundException($"{ConfigKeys.Of("stream.source.path")}: the app directory {source} does not exist");
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var relative in Files(source, "").Order(StringComparer.Ordinal))
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

    private static IEnumerable<string> Files(string root, string relative)
    {
        var dir = Path.Combine(root, relative);
        foreach (var file in Directory.EnumerateFiles(dir))
            yield return Path.Combine(relative, Path.GetFileName(file));
        foreach (var sub in Directory.EnumerateDirectories(dir).Where(d => !Skipped.Contains(Path.GetFileName(d))))
            foreach (var file in Files(root, Path.Combine(relative, Path.GetFileName(sub))))
                yield return file;
    }
}
