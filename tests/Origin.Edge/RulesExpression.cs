using System.Text;

namespace Origin.EdgeStandIn;

/// <summary>The request fields a rule expression may read, as Cloudflare computes them.</summary>
public sealed record RequestFields(string Host, string Path)
{
    /// <summary>
    /// http.request.uri.path.extension: the lowercased text after the last dot of the last path segment, or ""
    /// when that segment has no dot or only a leading one
    /// (https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/http.request.uri.path.extension).
    /// </summary>
    public string Extension
    {
        get
        {
            var segment = Path[(Path.LastIndexOf('/') + 1)..];
            var dot = segment.LastIndexOf('.');
            return dot <= 0 ? "" : segment[(dot + 1)..].ToLowerInvariant();
        }
    }

    public string Field(string name) => name switch
    {
        // http.host: the Host header's host name, without the port.
        "http.host" => Host,
        "http.request.uri.path" => Path,
        "http.request.uri.path.extension" => Extension,
        _ => throw new NotSupportedException($"field {name} is not one the edge stand-in evaluates"),
    };
}

/// <summary>
/// The subset of Cloudflare's Rules language (https://developers.cloudflare.com/ruleset-engine/rules-language/)
/// that the edge policy writes: <c>and</c>, parentheses, the <c>eq</c> and <c>in {...}</c> comparisons
/// (https://developers.cloudflare.com/ruleset-engine/rules-language/operators/) and the <c>starts_with</c> and
/// <c>ends_with</c> functions (https://developers.cloudflare.com/ruleset-engine/rules-language/functions/) on the
/// fields of <see cref="RequestFields"/>. Anything else is refused when the expression is parsed, so a policy
/// that starts using more of the language fails the stand-in loudly instead of being misread.
/// </summary>
public sealed class RulesExpression
{
    private readonly Func<RequestFields, bool> _evaluate;

    public string Text { get; }

    private RulesExpression(string text, Func<RequestFields, bool> evaluate) => (Text, _evaluate) = (text, evaluate);

    public bool Matches(RequestFields request) => _evaluate(request);

    public static RulesExpression Parse(string text)
    {
        var parser = new Parser(Tokenize(text), text);
        var evaluate = parser.Conjunction();
        parser.ExpectEnd();
        return new RulesExpression(text, evaluate);
    }

    private enum Kind { Word, String, Symbol }

    private readonly record struct Token(Kind Kind, string Text);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '(' or ')' or '{' or '}' or ',') { tokens.Add(new(Kind.Symbol, c.ToString())); i++; continue; }
            if (c == '"')
            {
                // String literals: backslash escapes the quote and the backslash.
                var value = new StringBuilder();
                for (i++; ; i++)
                {
                    if (i >= text.Length) throw new FormatException($"unterminated string in: {text}");
                    if (text[i] == '"') break;
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i]);
                }
                i++;
                tokens.Add(new(Kind.String, value.ToString()));
                continue;
            }
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' or '_')) i++;
            if (i == start) throw new NotSupportedException($"'{c}' is not in the subset of the Rules language the stand-in evaluates: {text}");
            tokens.Add(new(Kind.Word, text[start..i]));
        }
        return tokens;
    }

    private sealed class Parser(List<Token> tokens, string text)
    {
        private int _at;

        private Token? Peek => _at < tokens.Count ? tokens[_at] : null;

        private Token Next() => _at < tokens.Count ? tokens[_at++] : throw new FormatException($"unexpected end of: {text}");

        private void Expect(string symbol)
        {
            var t = Next();
            if (t.Text != symbol || t.Kind == Kind.String) throw new FormatException($"expected '{symbol}', found '{t.Text}' in: {text}");
        }

        public void ExpectEnd()
        {
            if (Peek is { } t) throw new NotSupportedException($"'{t.Text}' is not in the subset of the Rules language the stand-in evaluates: {text}");
        }

        public Func<RequestFields, bool> Conjunction()
        {
            var terms = new List<Func<RequestFields, bool>> { Term() };
            while (Peek is { Kind: Kind.Word, Text: "and" })
            {
                _at++;
                terms.Add(Term());
            }
            return terms.Count == 1 ? terms[0] : r => terms.All(t => t(r));
        }

        private Func<RequestFields, bool> Term()
        {
            var t = Next();
            if (t is { Kind: Kind.Symbol, Text: "(" })
            {
                var inner = Conjunction();
                Expect(")");
                return inner;
            }
            if (t.Kind != Kind.Word) throw new FormatException($"unexpected '{t.Text}' in: {text}");
            if (t.Text is "starts_with" or "ends_with")
            {
                Expect("(");
                var field = Field();
                Expect(",");
                var value = Literal();
                Expect(")");
                return t.Text == "starts_with"
                    ? r => r.Field(field).StartsWith(value, StringComparison.Ordinal)
                    : r => r.Field(field).EndsWith(value, StringComparison.Ordinal);
            }
            _at--;
            var name = Field();
            var op = Next();
            switch (op)
            {
                case { Kind: Kind.Word, Text: "eq" }:
                    var value = Literal();
                    return r => r.Field(name) == value;
                case { Kind: Kind.Word, Text: "in" }:
                    Expect("{");
                    var set = new HashSet<string>(StringComparer.Ordinal);
                    while (Peek is { Kind: Kind.String }) set.Add(Next().Text);
                    Expect("}");
                    return r => set.Contains(r.Field(name));
                default:
                    throw new NotSupportedException($"operator '{op.Text}' is not in the subset of the Rules language the stand-in evaluates: {text}");
            }
        }

        private string Field()
        {
            var t = Next();
            if (t.Kind != Kind.Word) throw new FormatException($"expected a field, found '{t.Text}' in: {text}");
            _ = new RequestFields("", "/").Field(t.Text); // refuses a field the stand-in does not know, at parse time
            return t.Text;
        }

        private string Literal()
        {
            var t = Next();
            return t.Kind == Kind.String ? t.Text : throw new FormatException($"expected a string, found '{t.Text}' in: {text}");
        }
    }
}
