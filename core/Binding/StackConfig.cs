using Origin.Settings;
using Origin.Validation;
using System.Runtime.CompilerServices;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Origin.Binding;

/// <summary>
/// Reads the origin's settings from structured config values. Two sources feed it: a
/// Pulumi.&lt;stack&gt;.yaml file (the CLI, the tests) and the JSON text Pulumi hands the program for each
/// key. YAML is a superset of JSON, so one parser serves both and both bind identically.
/// </summary>
public static class StackConfig
{
    /// <summary>A stack file is a few kilobytes; anything this large is not one.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Reads the origin:* keys of a stack file, or throws <see cref="InvalidSettingsException"/> saying where it is malformed.</summary>
    public static IReadOnlyDictionary<string, YamlNode> ReadStackFile(string path)
    {
        var findings = new Findings();
        var sections = ReadStackFile(path, findings);
        return findings.HasErrors ? throw new InvalidSettingsException(findings.Errors.ToList()) : sections;
    }

    /// <summary>
    /// Reads the origin:* keys of a stack file. Other namespaces (hcloud:, cloudflare:) are the providers' own.
    /// A file that is not a readable stack file is one error naming the file, line and key: never an
    /// exception from the parser. Its nodes remember where they were read (<see cref="Where"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, YamlNode> ReadStackFile(string path, Findings findings)
    {
        var sections = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var name = Path.GetFileName(path);
        void Refuse(int line, string key, string expected, string given) => findings.Error(key, expected, given, At(name, line, 0));

        var size = new FileInfo(path).Length;
        if (size > MaxFileBytes)
        {
            Refuse(0, "", $"a stack file of at most {MaxFileBytes} bytes", $"{size} bytes");
            return sections;
        }
        var bytes = File.ReadAllBytes(path);
        if (Text(bytes) is not { } text)
        {
            var offset = InvalidUtf8Offset(bytes);
            Refuse(1 + bytes.AsSpan(0, offset).Count((byte)'\n'), "", "UTF-8 text", $"the byte 0x{bytes[offset]:x2} at offset {offset}, which is not UTF-8");
            return sections;
        }
        if (Load(text, path => FileKey(path), findings, name) is not { } root) return sections;

        // No document at all (nothing but comments or blank lines) loads as an empty scalar.
        if (root is YamlScalarNode { Value: null or "" })
        {
            Refuse(1, "", "a mapping with a config: key", "an empty file");
            return sections;
        }
        if (root is not YamlMappingNode mapping)
        {
            findings.Error("", "a mapping with a config: key", Kind(root), Where(root));
            return sections;
        }
        var configNode = mapping.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == "config").Value;
        if (configNode is null || IsEmpty(configNode)) return sections;
        if (configNode is not YamlMappingNode config)
        {
            findings.Error("config", "a mapping of namespace:key entries", Kind(configNode), Where(configNode));
            return sections;
        }
        foreach (var (k, v) in config.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (key.StartsWith(ConfigKeys.Namespace + ":", StringComparison.Ordinal))
                sections[key[(ConfigKeys.Namespace.Length + 1)..]] = v;
        }
        return sections;
    }

    /// <summary>
    /// Parses one config value as Pulumi passes it (JSON for structured values, plain text otherwise),
    /// or records why it cannot be read under <paramref name="key"/> and returns null.
    /// </summary>
    public static YamlNode? ParseValue(string text, string key, Findings findings) =>
        text.Length > MaxFileBytes
            ? Refused(findings, key, $"a value of at most {MaxFileBytes} characters", $"{text.Length} characters")
            : Load(text, path => string.Concat(key, Suffix(path)), findings, null);

    /// <summary>Parses a value the code or a test wrote; malformed text is a bug in the caller.</summary>
    public static YamlNode ParseValue(string text)
    {
        var findings = new Findings();
        return ParseValue(text, "value", findings) ?? throw new InvalidSettingsException(findings.Errors.ToList());
    }

    /// <summary>Where a node was read, as file:line:column, when it came from a stack file.</summary>
    public static string? Where(YamlNode node) => Locations.TryGetValue(node, out var at) ? at.Text : null;

    private sealed record Location(string Text);

    // Which file and line each node of a stack file came from; weak, so nodes are never kept alive by it.
    private static readonly ConditionalWeakTable<YamlNode, Location> Locations = new();

    private static YamlNode? Refused(Findings findings, string key, string expected, string given)
    {
        findings.Error(key, expected, given);
        return null;
    }

    /// <summary>Checks the text with <see cref="YamlGuard"/>, then loads it; a problem becomes one error and null.</summary>
    private static YamlNode? Load(string text, Func<IReadOnlyList<string>, string> keyOf, Findings findings, string? file)
    {
        if (YamlGuard.Check(text, keyOf) is { } problem)
        {
            var where = file is null ? $"line {problem.At.Line}, column {problem.At.Column} of the value" : At(file, (int)problem.At.Line, (int)problem.At.Column);
            findings.Problem(problem.Key, problem.Problem, where);
            return null;
        }
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var root = stream.Documents.FirstOrDefault()?.RootNode ?? new YamlScalarNode("");
        if (file is not null)
            foreach (var node in root.AllNodes)
                Locations.AddOrUpdate(node, new Location(At(file, (int)node.Start.Line, (int)node.Start.Column)));
        return root;
    }

    private static string At(string file, int line, int column) =>
        line <= 0 ? file : column <= 0 ? $"{file}:{line}" : $"{file}:{line}:{column}";

    /// <summary>config.origin:nginx.user reads as the config key origin:nginx.user; other paths as written.</summary>
    private static string FileKey(IReadOnlyList<string> path) =>
        path.Count >= 2 && path[0] == "config" ? path[1] + Suffix(path.Skip(2).ToList()) : string.Join('.', path);

    private static string Suffix(IReadOnlyList<string> path) =>
        string.Concat(path.Select(p => p.StartsWith('[') ? p : "." + p));

    /// <summary>The text of a strictly valid UTF-8 file (a byte-order mark allowed), or null.</summary>
    private static string? Text(byte[] bytes)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { return null; }
    }

    private static int InvalidUtf8Offset(byte[] bytes)
    {
        System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return Math.Min(read, bytes.Length - 1);
    }

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private static string Kind(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode scalar => Findings.Show(scalar.Value),
        _ => "something else",
    };

    /// <summary>Binds every section onto the defaults. Secrets found in the file are skipped: Pulumi decrypts them for the program.</summary>
    public static OriginSettings Bind(IReadOnlyDictionary<string, YamlNode> sections, Findings findings)
    {
        var root = new YamlMappingNode();
        foreach (var (name, node) in sections.Where(s => !ConfigKeys.SecretKeys.Contains(s.Key)))
            root.Add(name, node);
        return SettingsBinder.Bind(root, new OriginSettings(), ConfigKeys.Namespace + ":", findings);
    }

    /// <summary>
    /// Sets one value by dotted path ("hls.segmentSeconds", "4"), creating mappings on the way; the
    /// value is parsed as YAML. Used by the CLI's --set and by tests that vary one setting.
    /// </summary>
    public static IReadOnlyDictionary<string, YamlNode> With(IReadOnlyDictionary<string, YamlNode> sections, string path, string value)
    {
        var copy = sections.ToDictionary(kv => kv.Key, kv => Clone(kv.Value), StringComparer.Ordinal);
        var parts = path.Split('.');
        if (parts.Length == 1)
        {
            copy[parts[0]] = ParseValue(value);
            return copy;
        }
        if (!copy.TryGetValue(parts[0], out var node) || node is not YamlMappingNode)
            copy[parts[0]] = node = new YamlMappingNode();
        var mapping = (YamlMappingNode)node;
        foreach (var part in parts[1..^1])
        {
            var key = new YamlScalarNode(part);
            if (!mapping.Children.TryGetValue(key, out var child) || child is not YamlMappingNode)
                mapping.Children[key] = child = new YamlMappingNode();
            mapping = (YamlMappingNode)child;
        }
        mapping.Children[new YamlScalarNode(parts[^1])] = ParseValue(value);
        return copy;
    }

    /// <summary>A deep copy that keeps where each node was read.</summary>
    private static YamlNode Clone(YamlNode node)
    {
        YamlNode copy = node switch
        {
            YamlMappingNode m => new YamlMappingNode(m.Children.Select(kv => new KeyValuePair<YamlNode, YamlNode>(Clone(kv.Key), Clone(kv.Value)))),
            YamlSequenceNode s => new YamlSequenceNode(s.Children.Select(Clone)),
            YamlScalarNode s => new YamlScalarNode(s.Value) { Style = s.Style },
            _ => node,
        };
        if (Locations.TryGetValue(node, out var at)) Locations.AddOrUpdate(copy, at);
        return copy;
    }
}
