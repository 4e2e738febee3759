using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Origin.Values;

// Small string values whose whole check is one pattern. The patterns are deliberately narrow: each
// admits only what the rendered file needs, so nothing that could end a directive, open a
// substitution or start a new line can pass.

/// <summary>Hex SHA-256 digest of a downloaded artifact.</summary>
public sealed partial record Sha256Hex(string Value) : IConfigValue<Sha256Hex>
{
    public static string Expected => "64 lower-case hex digits (a SHA-256 digest)";
    [GeneratedRegex("^[0-9a-f]{64}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out Sha256Hex? value) =>
        (value = Pattern().IsMatch(text) ? new Sha256Hex(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A dotted release number such as 1.28.0.</summary>
public sealed partial record ReleaseVersion(string Value) : IConfigValue<ReleaseVersion>
{
    public static string Expected => "a release number such as 1.28.0";
    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out ReleaseVersion? value) =>
        (value = Pattern().IsMatch(text) ? new ReleaseVersion(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A Unix user or group name.</summary>
public sealed partial record UnixName(string Value) : IConfigValue<UnixName>
{
    public static string Expected => "a Unix user or group name: a lower-case letter or '_', then up to 31 of [a-z0-9_-]";
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out UnixName? value) =>
        (value = Pattern().IsMatch(text) ? new UnixName(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A Debian package name.</summary>
public sealed partial record PackageName(string Value) : IConfigValue<PackageName>
{
    public static string Expected => "a Debian package name such as python3-flask";
    [GeneratedRegex(@"^[a-z0-9][a-z0-9.+-]{1,63}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out PackageName? value) =>
        (value = Pattern().IsMatch(text) ? new PackageName(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A sysctl key in dotted form, such as net.ipv4.tcp_rmem.</summary>
public sealed partial record SysctlKey(string Value) : IConfigValue<SysctlKey>
{
    public static string Expected => "a sysctl key in dotted form such as net.ipv4.tcp_rmem";
    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_-]+){1,5}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out SysctlKey? value) =>
        (value = Pattern().IsMatch(text) ? new SysctlKey(text) : null) is not null;

    /// <summary>Where the key lives under /proc/sys.</summary>
    public string ProcPath => "/proc/sys/" + Value.Replace('.', '/');
    public override string ToString() => Value;
}

/// <summary>A sysctl value: numbers and words separated by single spaces (tcp_rmem takes three numbers).</summary>
public sealed partial record SysctlValue(string Value) : IConfigValue<SysctlValue>
{
    public static string Expected => "a sysctl value: words or numbers separated by single spaces, such as 4096 262144 8388608 or bbr";
    [GeneratedRegex(@"^[A-Za-z0-9_.-]+( [A-Za-z0-9_.-]+){0,7}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out SysctlValue? value) =>
        (value = Pattern().IsMatch(text) ? new SysctlValue(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>One line of prose that ends up in a comment: printable, no line breaks, no control characters.</summary>
public sealed partial record CommentText(string Value) : IConfigValue<CommentText>
{
    public static string Expected => "one line of printable text, at most 200 characters";
    [GeneratedRegex(@"^[\p{L}\p{N}\p{P}\p{Zs}+<>=|^~`$]{1,200}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out CommentText? value) =>
        (value = Pattern().IsMatch(text) ? new CommentText(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A Python WSGI entry point, module:attribute, as gunicorn takes it.</summary>
public sealed partial record WsgiEntry(string Value) : IConfigValue<WsgiEntry>
{
    public static string Expected => "a WSGI entry point module:attribute such as stream_api:app";
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out WsgiEntry? value) =>
        (value = Pattern().IsMatch(text) ? new WsgiEntry(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A git branch, tag or commit.</summary>
public sealed partial record GitRef(string Value) : IConfigValue<GitRef>
{
    public static string Expected => "a git branch, tag or commit of [A-Za-z0-9._/-], not starting with '-' and without '..'";
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out GitRef? value) =>
        (value = Pattern().IsMatch(text) && !text.Contains("..") && !text.Contains("//") ? new GitRef(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A git remote over https or ssh.</summary>
public sealed partial record GitUrl(string Value) : IConfigValue<GitUrl>
{
    public static string Expected => "a git URL such as https://git.example.com/team/stream-api.git or git@git.example.com:team/stream-api.git";
    [GeneratedRegex(@"^(https://[a-z0-9.-]+(:[0-9]{1,5})?/|git@[a-z0-9.-]+:)[A-Za-z0-9][A-Za-z0-9._~/-]{0,199}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out GitUrl? value) =>
        (value = Pattern().IsMatch(text) && !text.Contains("..") ? new GitUrl(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A download URL template; "{version}" is replaced by the pinned release.</summary>
public sealed partial record SourceUrl(string Value) : IConfigValue<SourceUrl>
{
    public static string Expected => "an http(s) URL of [A-Za-z0-9._~:/%+-], optionally containing {version}, such as https://nginx.org/download/nginx-{version}.tar.gz";
    [GeneratedRegex(@"^https?://[a-z0-9.-]+(:[0-9]{1,5})?/([A-Za-z0-9._~/%+-]|\{version\}){1,200}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out SourceUrl? value) =>
        (value = Pattern().IsMatch(text) && !text.Contains("..") ? new SourceUrl(text) : null) is not null;
    public string For(ReleaseVersion version) => Value.Replace("{version}", version.Value);
    public override string ToString() => Value;
}

/// <summary>An nginx ./configure option such as --with-http_realip_module.</summary>
public sealed partial record ConfigureFlag(string Value) : IConfigValue<ConfigureFlag>
{
    public static string Expected => "an nginx configure option such as --with-http_v2_module (letters, digits, '_' and '-'; an optional =value of [A-Za-z0-9._/,+-])";
    [GeneratedRegex(@"^--[a-z][a-z0-9_-]{1,60}(=[A-Za-z0-9._/,+-]{1,100})?$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out ConfigureFlag? value) =>
        (value = Pattern().IsMatch(text) ? new ConfigureFlag(text) : null) is not null;
    public string Name => Value.Split('=')[0];
    public override string ToString() => Value;
}

/// <summary>An environment variable name.</summary>
public sealed partial record EnvName(string Value) : IConfigValue<EnvName>
{
    public static string Expected => "an environment variable name of [A-Z0-9_] starting with a letter or '_'";
    [GeneratedRegex("^[A-Z_][A-Z0-9_]{0,63}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out EnvName? value) =>
        (value = Pattern().IsMatch(text) ? new EnvName(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>An environment variable value that systemd's Environment= and a shell read the same way: no spaces, quotes, '$', '%' or '\'.</summary>
public sealed partial record EnvValue(string Value) : IConfigValue<EnvValue>
{
    public static string Expected => "a value of [A-Za-z0-9._:/,+=@-] (no spaces, quotes, '$', '%' or '\\')";
    [GeneratedRegex("^[A-Za-z0-9._:/,+=@-]{0,200}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out EnvValue? value) =>
        (value = Pattern().IsMatch(text) ? new EnvValue(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>An OpenSSH public key line, as Hetzner Cloud stores it.</summary>
public sealed partial record SshPublicKey(string Value) : IConfigValue<SshPublicKey>
{
    public static string Expected => "an OpenSSH public key: type, base64 body and an optional comment of [A-Za-z0-9@._-]";
    [GeneratedRegex(@"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]{40,1000}={0,3}( [A-Za-z0-9@._-]{1,100})?$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out SshPublicKey? value) =>
        (value = Pattern().IsMatch(text) ? new SshPublicKey(text) : null) is not null;

    /// <summary>Hex SHA-256 of the key's type and body: the same for the same key whatever its comment.</summary>
    public string Digest => Plan.Digest.Sha256(string.Join(' ', Value.Split(' ').Take(2)));

    public override string ToString() => Value;
}

/// <summary>A short lower-case name used in file names, unit names and URLs (playlist prefixes, rule names).</summary>
public sealed partial record Slug(string Value) : IConfigValue<Slug>
{
    public static string Expected => "1 to 32 characters of [a-z0-9_-], starting with a letter or digit";
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out Slug? value) =>
        (value = Pattern().IsMatch(text) ? new Slug(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A URL path prefix that starts and ends with '/', such as /live/.</summary>
public sealed partial record UrlPrefix(string Value) : IConfigValue<UrlPrefix>
{
    public static string Expected => "a URL path that starts and ends with '/' and holds only [a-z0-9_-] segments, such as /live/";
    [GeneratedRegex("^/([a-z0-9_-]{1,32}/){1,4}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out UrlPrefix? value) =>
        (value = Pattern().IsMatch(text) ? new UrlPrefix(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A URL path such as /auth/token: '/'-separated segments of [a-z0-9_-].</summary>
public sealed partial record UrlPath(string Value) : IConfigValue<UrlPath>
{
    public static string Expected => "a URL path of '/'-separated [a-z0-9_-] segments, such as /auth/token";
    [GeneratedRegex("^(/[a-z0-9_-]{1,32}){1,4}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out UrlPath? value) =>
        (value = Pattern().IsMatch(text) ? new UrlPath(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>A directory relative to the Pulumi project, such as app or ../stream-api.</summary>
public sealed partial record RelativeDir(string Value) : IConfigValue<RelativeDir>
{
    public static string Expected => "a directory relative to the project, of [A-Za-z0-9._/-], such as app";
    [GeneratedRegex(@"^[A-Za-z0-9._-][A-Za-z0-9._/-]{0,199}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out RelativeDir? value) =>
        (value = Pattern().IsMatch(text) && !text.StartsWith('-') ? new RelativeDir(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>
/// A Cloudflare object ID (zone, ruleset, DNS record): 32 lower-case hex digits, as the API returns them.
/// The provider checks ruleset and zone IDs against the same pattern
/// (cloudflare/terraform-provider-cloudflare internal/services/ruleset/data_source_schema.go@v5.19.1, "^[0-9a-f]{32}$");
/// DNS record IDs are the same 32-character identifiers (https://developers.cloudflare.com/api/resources/dns/subresources/records/).
/// </summary>
public sealed partial record CloudflareId(string Value) : IConfigValue<CloudflareId>
{
    public static string Expected => "a Cloudflare ID: 32 lower-case hex digits, as the API returns it";
    [GeneratedRegex("^[0-9a-f]{32}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out CloudflareId? value) =>
        (value = Pattern().IsMatch(text) ? new CloudflareId(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>
/// The URL Alertmanager posts its webhook notifications to. Written into alertmanager.yml as a quoted
/// string: no quote, backslash, space or control character can pass, so it cannot leave its string.
/// </summary>
public sealed partial record WebhookUrl(string Value) : IConfigValue<WebhookUrl>
{
    public static string Expected => "an http(s) URL such as https://alerts.example.net/hook: a host name, an optional port, a path and query of [A-Za-z0-9._~%/+=&?:-]";
    [GeneratedRegex(@"^https?://[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~%/+=&?:-]{0,1000})?$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out WebhookUrl? value) =>
        (value = Pattern().IsMatch(text) ? new WebhookUrl(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>An e-mail address as alert mail's To: or From:, without a display name.</summary>
public sealed partial record EmailAddress(string Value) : IConfigValue<EmailAddress>
{
    public static string Expected => "an e-mail address such as oncall@example.net (no display name)";
    [GeneratedRegex(@"^[A-Za-z0-9._%+-]{1,64}@[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out EmailAddress? value) =>
        (value = Pattern().IsMatch(text) ? new EmailAddress(text) : null) is not null;
    public override string ToString() => Value;
}

/// <summary>An SMTP relay as host:port, such as mail.example.net:587.</summary>
public sealed partial record SmtpRelay(string Value) : IConfigValue<SmtpRelay>
{
    public static string Expected => "an SMTP relay as host:port, such as mail.example.net:587";
    [GeneratedRegex(@"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?:[0-9]{1,5}$")] private static partial Regex Pattern();
    public static bool TryParse(string text, [NotNullWhen(true)] out SmtpRelay? value) =>
        (value = Pattern().IsMatch(text) ? new SmtpRelay(text) : null) is not null;
    public override string ToString() => Value;
}
