using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Origin.Binding;

/// <summary>
/// Walks a YAML text as parser events before anything is built from it, and refuses what would crash
/// or exhaust the loader later: syntax errors, duplicate keys (YAML 1.2 section 3.2.1.1 requires
/// unique keys; YamlDotNet's representation model throws on them), aliases to an anchor that is still
/// open (a recursive structure the binder would follow forever), aliases that expand beyond
/// <see cref="MaxNodes"/> nodes (the "billion laughs"), nesting deeper than <see cref="MaxDepth"/>
/// and scalars longer than <see cref="MaxScalarChars"/>. Each problem names its line, column and key.
/// </summary>
internal static class YamlGuard
{
    /// <summary>The committed stack has about 200 nodes; a hundred times that is still a config.</summary>
    public const int MaxNodes = 20_000;

    public const int MaxDepth = 32;

    /// <summary>The longest real value is a list item such as a public key (about 750 characters for RSA 4096).</summary>
    public const int MaxScalarChars = 16_384;

    /// <param name="keyOf">How a path of mapping keys and list indexes reads as a config key.</param>
    /// <returns>The first problem, or null when the text may be loaded.</returns>
    public static (Mark At, string Key, string Problem)? Check(string text, Func<IReadOnlyList<string>, string> keyOf)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new List<Frame>();
        long total = 0;
        string Key() => keyOf(open.Where(f => !f.IsMapping || f.CurrentKey is not null)
            .Select(f => f.IsMapping ? f.CurrentKey! : $"[{f.Index}]").ToList());
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                if (e is NodeEvent or AnchorAlias && open.Count > 0 && open[^1] is { IsMapping: true, ExpectingKey: true } at)
                    at.CurrentKey = (e as Scalar)?.Value ?? "?";
                switch (e)
                {
                    case AnchorAlias alias:
                        if (open.Any(f => f.Anchor == alias.Value.Value))
                            return (alias.Start, Key(), $"the alias *{alias.Value} refers to the node that contains it (a recursive structure)");
                        if (!anchors.TryGetValue(alias.Value.Value, out var size))
                            return (alias.Start, Key(), $"the alias *{alias.Value} has no anchor &{alias.Value} before it");
                        if ((total += size) > MaxNodes) return (alias.Start, Key(), TooLarge);
                        foreach (var f in open) f.Nodes += size;
                        Done(open);
                        break;
                    case Scalar scalar:
                        if (scalar.Value.Length > MaxScalarChars)
                            return (scalar.Start, Key(), $"a value of {scalar.Value.Length} characters; at most {MaxScalarChars} are accepted");
                        if (++total > MaxNodes) return (scalar.Start, Key(), TooLarge);
                        foreach (var f in open) f.Nodes++;
                        if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = 1;
                        if (open.Count > 0 && open[^1] is { IsMapping: true, ExpectingKey: true } m && !m.Keys.Add(scalar.Value))
                            return (scalar.Start, Key(), $"the key {Validation.Findings.Show(scalar.Value)} appears twice in one mapping (YAML requires unique keys)");
                        Done(open);
                        break;
                    case SequenceStart or MappingStart:
                        var node = (NodeEvent)e;
                        if (++total > MaxNodes) return (node.Start, Key(), TooLarge);
                        if (open.Count >= MaxDepth) return (node.Start, Key(), $"nesting deeper than {MaxDepth} levels");
                        foreach (var f in open) f.Nodes++;
                        open.Add(new Frame(node.Anchor.IsEmpty ? null : node.Anchor.Value, e is MappingStart));
                        break;
                    case SequenceEnd or MappingEnd:
                        var closed = open[^1];
                        open.RemoveAt(open.Count - 1);
                        if (closed.Anchor is not null) anchors[closed.Anchor] = closed.Nodes + 1;
                        Done(open);
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            // A syntax error: the parser says where. Its message repeats the position in a "(Line: ...): " prefix.
            var message = ex.Message;
            var close = message.IndexOf("): ", StringComparison.Ordinal);
            return (ex.Start, Key(), close >= 0 && message.StartsWith('(') ? message[(close + 3)..] : message);
        }
        return null;
    }

    private static readonly string TooLarge =
        $"it expands to more than {MaxNodes} nodes (aliases that repeat aliases?); a stack config is far smaller";

    /// <summary>An open sequence or mapping: its anchor, the nodes inside it so far, and which child comes next.</summary>
    private sealed class Frame(string? anchor, bool isMapping)
    {
        public string? Anchor { get; } = anchor;
        public bool IsMapping { get; } = isMapping;
        public long Nodes { get; set; }
        public int Index { get; set; }
        public bool ExpectingKey { get; set; } = true;
        public string? CurrentKey { get; set; }
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A child of the innermost frame is complete: a key is followed by its value, a value by the next key, an item by the next item.</summary>
    private static void Done(List<Frame> open)
    {
        if (open.Count == 0) return;
        var f = open[^1];
        if (f.IsMapping) f.ExpectingKey = !f.ExpectingKey;
        else f.Index++;
    }
}
