namespace Origin.Box;

/// <summary>
/// A unit file and its drop-ins as systemd reads them: one directive a line, repeated directives
/// accumulate, a later single-valued one wins, an empty assignment resets. Section [Service] unless named.
/// </summary>
public sealed class SystemdUnit
{
    public string Name { get; }
    private readonly List<(string Section, string Key, string Value)> _directives = [];

    public SystemdUnit(string name, params string[] texts)
    {
        Name = name;
        foreach (var text in texts)
        {
            var section = "";
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line[0] is '#' or ';') continue;
                if (line.EndsWith('\\')) throw new NotSupportedException($"{name}: continued lines are not supported: {line}");
                if (line.StartsWith('[')) { section = line[1..^1]; continue; }
                var eq = line.IndexOf('=');
                var (key, value) = (line[..eq].Trim(), line[(eq + 1)..].Trim());
                if (value.Length == 0) _directives.RemoveAll(d => d.Section == section && d.Key == key);
                else _directives.Add((section, key, value));
            }
        }
    }

    /// <summary>The directives set in [Service].</summary>
    public IEnumerable<string> Keys => _directives.Where(d => d.Section == "Service").Select(d => d.Key).Distinct();

    public IReadOnlyList<string> All(string key, string section = "Service") =>
        _directives.Where(d => d.Section == section && d.Key == key).Select(d => d.Value).ToList();

    public string? Get(string key, string section = "Service") => All(key, section).LastOrDefault();

    /// <summary>A command line of ExecStart= and friends, split as systemd does for unquoted words.</summary>
    public static string[] Command(string value)
    {
        if (value.IndexOfAny(['"', '\'', '\\', '%']) >= 0 || value[0] is '-' or '@' or '+' or '!' or ':')
            throw new NotSupportedException($"quoting, specifiers and command prefixes are not supported: {value}");
        return value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>An EnvironmentFile: KEY=VALUE lines, comments and blank lines ignored, surrounding quotes removed.</summary>
    public static Dictionary<string, string> ReadEnvironmentFile(string text)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            var eq = line.IndexOf('=');
            if (eq <= 0) throw new FormatException($"not an environment assignment: {line}");
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == value[^1] && value[0] is '"' or '\'') value = value[1..^1];
            env[line[..eq].Trim()] = value;
        }
        return env;
    }
}
