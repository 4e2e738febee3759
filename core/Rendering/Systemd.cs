using System.Text;

namespace Origin.Rendering;

/// <summary>systemd naming rules the plan depends on.</summary>
public static class Systemd
{
    /// <summary>
    /// The mount unit name for a path, as `systemd-escape --path --suffix=mount` computes it: '/'
    /// separates, and every byte other than ASCII letters, digits, ':', '_' and '.' (and a leading
    /// '.') becomes \xNN. systemd only accepts a mount unit named after its mount point.
    /// </summary>
    public static string MountUnitName(Values.AbsolutePath path)
    {
        var parts = path.Value.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var escaped = new StringBuilder();
        foreach (var (part, i) in parts.Select((p, i) => (p, i)))
        {
            if (i > 0) escaped.Append('-');
            foreach (var (ch, j) in part.Select((ch, j) => (ch, j)))
                escaped.Append(char.IsAsciiLetterOrDigit(ch) || ch is ':' or '_' || (ch == '.' && !(i == 0 && j == 0))
                    ? ch.ToString()
                    : $"\\x{(int)ch:x2}");
        }
        return escaped + ".mount";
    }
}
