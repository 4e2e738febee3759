using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>
/// Debian's Alertmanager on the origin, beside the local Prometheus: its arguments and its one route,
/// to the receivers the operator configures (monitoring.alertmanager). Only with prometheus.mode local.
/// </summary>
public static class AlertRouting
{
    /// <summary>The API's health endpoint (the app's contract: README, The stream API).</summary>
    public const string HealthPath = "/api/health";

    /// <summary>
    /// What an outside check polls to learn the origin is gone, which the origin's own Prometheus and
    /// Alertmanager cannot say once the host is: the API's health through the public name, so one
    /// answer covers DNS, the edge, TLS, nginx, the API and Redis. Null when nginx publishes no API
    /// prefix that carries it.
    /// </summary>
    public static string? HealthCheckUrl(OriginSettings s) =>
        s.Nginx.ApiPrefix is { } prefix && HealthPath.StartsWith(prefix.Value, StringComparison.Ordinal) && s.Cloudflare.Record is { } record
            ? $"https://{record}{HealthPath}"
            : null;

    public const string Package = "prometheus-alertmanager";
    public const string Service = "prometheus-alertmanager.service";

    /// <summary>Debian's default --config.file of the package (/etc/default/prometheus-alertmanager names it too).</summary>
    public const string ConfigPath = "/etc/prometheus/alertmanager.yml";

    internal static IEnumerable<HostFile> Files(AlertmanagerSettings a)
    {
        yield return PlanContext.File("/etc/default/prometheus-alertmanager", "644", "root", "root", "monitoring/alertmanager.default", new()
        {
            ["port"] = Template.Token(a.Port),
        });
        // Readable by Alertmanager's user only: a webhook URL may be a credential itself.
        yield return PlanContext.File(ConfigPath, "640", "root", "prometheus", "monitoring/alertmanager.yml", new()
        {
            ["global"] = Template.Lines(Global(a.Email)),
            ["receivers"] = Template.Lines(Receivers(a)),
        });
    }

    /// <summary>
    /// A double-quoted YAML string. The values' patterns (WebhookUrl, EmailAddress, SmtpRelay) admit no
    /// quote, backslash or line break, so nothing in one can end the string; this checks it again.
    /// </summary>
    private static string Quoted(object value)
    {
        var text = value.ToString()!;
        return text.Any(c => c is '"' or '\\' || char.IsControl(c)) ? throw new UnsafeValueException(text) : $"\"{text}\"";
    }

    // Alertmanager's configuration: https://prometheus.io/docs/alerting/0.25/configuration/ (global smtp_*,
    // email_config, webhook_config), the version Debian 12 ships; Debian 13's 0.28 reads the same keys.
    private static IEnumerable<string> Global(AlertEmailSettings e) => e.To is null ? [] :
    [
        "global:",
        $"  smtp_smarthost: {Quoted(e.Smarthost!)}",
        $"  smtp_from: {Quoted(e.From!)}",
        $"  smtp_require_tls: {(e.RequireTls ? "true" : "false")}",
        "",
    ];

    private static IEnumerable<string> Receivers(AlertmanagerSettings a)
    {
        if (a.WebhookUrl is { } url)
        {
            yield return "webhook_configs:";
            yield return $"  - url: {Quoted(url)}";
            yield return "    send_resolved: true";
        }
        if (a.Email.To is { } to)
        {
            yield return "email_configs:";
            yield return $"  - to: {Quoted(to)}";
            yield return "    send_resolved: true";
        }
    }
}
