using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Origin.Rendering;

/// <summary>
/// A value for a template slot. The factory a caller picks says how the value may be written:
/// <see cref="Template.Token"/> for a bare word in a config file, <see cref="Template.Shell"/> for a
/// quoted shell word, <see cref="Template.Lines"/> for a block the code composed from such pieces.
/// </summary>
public readonly record struct Slot(string Text, bool IsBlock);

/// <summary>
/// Renders the host-file templates in files/. A template is the real file with {{name}} slots; a slot
/// alone on its line takes a block and indents every line of it like the slot. Every slot must be
/// filled and every value used, so a template and its code cannot drift apart silently.
/// </summary>
public static partial class Template
{
    private static readonly Assembly Assembly = typeof(Template).Assembly;

    [GeneratedRegex(@"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")]
    private static partial Regex SlotPattern();

    // A token may appear unquoted in nginx.conf, a unit file, redis.conf or an nft ruleset: nothing
    // in it can end a directive, start a comment, open a variable or a substitution, or break a line.
    [GeneratedRegex(@"^[A-Za-z0-9._:/,+=@~\[\]*-]+$")]
    private static partial Regex TokenPattern();

    /// <summary>The text of files/&lt;path&gt;, as embedded in the core.</summary>
    public static string Read(string path)
    {
        using var stream = Assembly.GetManifestResourceStream("files/" + path)
            ?? throw new FileNotFoundException($"no template files/{path}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static IEnumerable<string> All() =>
        Assembly.GetManifestResourceNames().Where(n => n.StartsWith("files/", StringComparison.Ordinal)).Select(n => n["files/".Length..]).Order(StringComparer.Ordinal);

    public static string Render(string path, Dictionary<string, Slot> values)
    {
        var text = Read(path);
        var used = new HashSet<string>();
        var output = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            var m = SlotPattern().Match(line);
            if (m.Success && line.Trim() == m.Value)
            {
                var slot = Lookup(path, values, m.Groups[1].Value, used);
                var indent = line[..line.IndexOf("{{", StringComparison.Ordinal)];
                if (slot.Text.Length == 0) continue; // an empty block leaves no blank line behind
                foreach (var blockLine in slot.Text.TrimEnd('\n').Split('\n'))
                    output.Append(blockLine.Length == 0 ? "" : indent + blockLine).Append('\n');
                continue;
            }
            output.Append(SlotPattern().Replace(line, match =>
            {
                var slot = Lookup(path, values, match.Groups[1].Value, used);
                return slot.IsBlock ? throw new InvalidOperationException($"files/{path}: block {match.Value} must stand alone on its line") : slot.Text;
            })).Append('\n');
        }
        var unused = values.Keys.Except(used).ToList();
        if (unused.Count > 0) throw new InvalidOperationException($"files/{path}: values never used: {string.Join(", ", unused)}");
        return output.ToString(0, output.Length - 1);
    }

    private static Slot Lookup(string path, Dictionary<string, Slot> values, string name, HashSet<string> used)
    {
        if (!values.TryGetValue(name, out var slot)) throw new InvalidOperationException($"files/{path}: no value for {{{{{name}}}}}");
        used.Add(name);
        return slot;
    }

    /// <summary>A bare word. Throws if the value could break out of its directive; validation makes that unreachable.</summary>
    public static Slot Token(object value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return TokenPattern().IsMatch(text) ? new Slot(text, false) : throw new UnsafeValueException(text);
    }

    /// <summary>Several bare words separated by spaces.</summary>
    public static Slot Words(IEnumerable<object> values) => new(string.Join(' ', values.Select(v => Token(v).Text)), false);

    /// <summary>A single-quoted shell word: nothing inside is expanded.</summary>
    public static Slot Shell(object value) => new(Sh.Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""), false);

    /// <summary>Prose written by the stack's own code into a comment; one line, never from config.</summary>
    public static Slot Comment(string text) =>
        text.Contains('\n') || text.Any(char.IsControl) ? throw new UnsafeValueException(text) : new Slot(text, false);

    /// <summary>A block of lines composed by code from tokens and quoted words.</summary>
    public static Slot Lines(IEnumerable<string> lines) => new(string.Join('\n', lines), true);
}

/// <summary>Raised when a value that validation should have refused reaches a template.</summary>
public sealed class UnsafeValueException(string value)
    : Exception($"refusing to render {Validation.Findings.Show(value)}: it could inject a directive or a command");
