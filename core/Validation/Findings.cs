namespace Origin.Validation;

public enum Severity { Error, Warning }

/// <summary>One problem (or, for warnings, one capacity fact worth knowing) tied to the config key it is about.</summary>
/// <param name="At">Where in a stack file the value was read (file:line:column), when it came from one.</param>
public sealed record Finding(Severity Severity, string Key, string Message, string? At = null)
{
    public override string ToString() =>
        string.Join(": ", new[] { Severity == Severity.Error ? "error" : "warning", At, Key, Message }.Where(p => !string.IsNullOrEmpty(p)));
}

/// <summary>
/// Collects every finding of one load so that all errors are reported at once, before anything is
/// created. Keys are written as the operator types them: origin:nginx.workerConnections.
/// </summary>
public sealed class Findings
{
    private readonly List<Finding> _items = [];

    public IReadOnlyList<Finding> All => _items;
    public IEnumerable<Finding> Errors => _items.Where(f => f.Severity == Severity.Error);
    public IEnumerable<Finding> Warnings => _items.Where(f => f.Severity == Severity.Warning);
    public bool HasErrors => _items.Any(f => f.Severity == Severity.Error);

    /// <summary>Records "expected X, got Y" for a key. <paramref name="given"/> is shown escaped and truncated.</summary>
    public void Error(string key, string expected, string given, string? at = null) =>
        _items.Add(new Finding(Severity.Error, key, $"expected {expected}, got {given}", at));

    /// <summary>Records a problem that is not an "expected X, got Y", such as a malformed file.</summary>
    public void Problem(string key, string problem, string? at) => _items.Add(new Finding(Severity.Error, key, problem, at));

    public void Warn(string key, string message) => _items.Add(new Finding(Severity.Warning, key, message));

    /// <summary>Shows a config value in a message without letting it break the message: quoted, escaped, at most 60 characters.</summary>
    public static string Show(string? text)
    {
        if (text is null) return "nothing";
        var shown = text.Length > 60 ? text[..60] + "..." : text;
        var escaped = string.Concat(shown.Select(c => c switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ when char.IsControl(c) => $"\\u{(int)c:x4}",
            _ => c.ToString(),
        }));
        return $"\"{escaped}\"";
    }
}

/// <summary>Thrown when a stack config has errors; carries all of them.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<Finding> errors)
    : Exception("The stack config is invalid:\n" + string.Join("\n", errors.Select(e => "  " + e)))
{
    public IReadOnlyList<Finding> Errors { get; } = errors;
}
