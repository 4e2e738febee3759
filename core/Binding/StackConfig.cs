using Origin.Settings;
using Origin.Validation;
using YamlDotNet.RepresentationModel;

namespace Origin.Binding;

/// <summary>
/// Reads the origin's settings from structured config values. Two sources feed it: a
/// Pulumi.&lt;stack&gt;.yaml file (the CLI, the tests) and the JSON text Pulumi hands the program for each
/// key. YAML is a superset of JSON, so one parser serves both and both bind identically.
/// </summary>
public static class StackConfig
{
    /// <summary>Reads the origin:* keys of a stack file. Other namespaces (hcloud:, cloudflare:) are the providers' own.</summary>
    public static IReadOnlyDictionary<string, YamlNode> ReadStackFile(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        var root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode;
        var config = root?.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == "config").Value as YamlMappingNode;
        var sections = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in config?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (key.StartsWith(ConfigKeys.Namespace + ":", StringComparison.Ordinal))
                sections[key[(ConfigKeys.Namespace.Length + 1)..]] = v;
        }
        return sections;
    }

    /// <summary>Parses one config value as Pulumi passes it (JSON for structured values, plain text otherwise).</summary>
    public static YamlNode ParseValue(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.FirstOrDefault()?.RootNode ?? new YamlScalarNode("");
    }

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

    private static YamlNode Clone(YamlNode node) => node switch
    {
        YamlMappingNode m => new YamlMappingNode(m.Children.Select(kv => new KeyValuePair<YamlNode, YamlNode>(Clone(kv.Key), Clone(kv.Value)))),
        YamlSequenceNode s => new YamlSequenceNode(s.Children.Select(Clone)),
        YamlScalarNode s => new YamlScalarNode(s.Value) { Style = s.Style },
        _ => node,
    };
}
