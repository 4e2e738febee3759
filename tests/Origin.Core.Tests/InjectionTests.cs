using System.Reflection;
using System.Text.Json;
using Origin.Binding;
using Origin.Plan;
using Origin.Rendering;
using Origin.Settings;
using Origin.Values;

namespace Origin.Tests;

/// <summary>
/// Hostile values in every string-like setting are refused by validation, so they can never reach a
/// script or a directive; and the renderer refuses them again if they ever did.
/// </summary>
public class InjectionTests
{
    /// <summary>Each breaks out of a shell word, an nginx directive, a unit line or a YAML-to-file path in its own way.</summary>
    public static readonly string[] Hostile =
    [
        "a'b", "a\"b", "a;b", "$(reboot)", "`id`", "a\nb", "a\rb", "a}b", "a{b", "a b", "a\\b", "a#b", "a|b", "a&b", "${HOME}", "a\0b",
    ];

    /// <summary>Every setting whose value is text, as (dotted path, value type, how it sits in the YAML).</summary>
    public static IEnumerable<object[]> TextSettings() => Walk(typeof(OriginSettings), "").Select(x => new object[] { x.Path, x.Shape });

    private static IEnumerable<(string Path, string Shape)> Walk(Type type, string prefix)
    {
        foreach (var p in SettingsBinder.ConfigProperties(type))
        {
            var path = prefix + SettingsBinder.ConfigName(p);
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (SettingsBinder.ImplementsConfigValue(t)) yield return (path, "scalar");
            else if (SettingsBinder.ListItemType(t) is { } item && SettingsBinder.ImplementsConfigValue(item)) yield return (path, "list");
            else if (SettingsBinder.ListItemType(t) is { } record && SettingsBinder.IsRecordSection(record))
                foreach (var inner in Walk(record, ""))
                    yield return ($"{path}[0].{inner.Path}", "in-list");
            else if (SettingsBinder.DictionaryTypes(t) is { } kv)
            {
                yield return (path, "dictionary-key");
                if (SettingsBinder.ImplementsConfigValue(kv.Value)) yield return (path, "dictionary-value");
            }
            else if (SettingsBinder.IsRecordSection(t))
                foreach (var inner in Walk(t, path + ".")) yield return inner;
        }
    }

    [Fact]
    public void No_setting_is_a_raw_string()
    {
        static IEnumerable<PropertyInfo> All(Type type) => SettingsBinder.ConfigProperties(type).SelectMany(p =>
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var inner = SettingsBinder.ListItemType(t) ?? t;
            return SettingsBinder.IsRecordSection(inner) ? All(inner).Prepend(p) : [p];
        });
        Assert.Empty(All(typeof(OriginSettings)).Where(p => p.PropertyType == typeof(string)).Select(p => p.Name));
    }

    [Fact]
    public void The_walk_covers_the_values_that_reach_files()
    {
        var paths = TextSettings().Select(x => (string)x[0]).ToList();
        foreach (var expected in new[] { "hls.dir", "hls.playlistPrefix", "cloudflare.record", "host.adminCidrs", "nginx.sourceUrl",
                     "nginx.configureFlags", "stream.source.url", "stream.source.ref", "kernel.sysctl", "stream.environment" })
            Assert.Contains(expected, paths);
    }

    [Theory]
    [MemberData(nameof(TextSettings))]
    public void Hostile_values_are_refused_by_validation(string path, string shape)
    {
        var isComment = path.EndsWith("reason", StringComparison.Ordinal);
        foreach (var hostile in Hostile.Where(h => !isComment || h.Any(char.IsControl)))
        {
            var yaml = JsonSerializer.Serialize(hostile);
            var (setPath, setValue, errorKey) = shape switch
            {
                "scalar" => (path, yaml, path),
                "list" => (path, $"[{yaml}]", path + "[0]"),
                "in-list" => (path[..path.IndexOf('[')], $"[{{{path[(path.IndexOf(']') + 2)..]}: {yaml}}}]", path),
                "dictionary-key" => (path, $"{{{yaml}: null}}", null),
                _ => (path, $"{{SOME_KEY: {yaml}}}", null),
            };
            var loaded = Stacks.Load($"{setPath}={setValue}");
            var errors = loaded.Findings.Errors.Where(e => errorKey is null ? e.Key.StartsWith("origin:" + path, StringComparison.Ordinal) : e.Key == "origin:" + errorKey).ToList();
            Assert.True(errors.Count > 0, $"{path} accepted {JsonSerializer.Serialize(hostile)}");
            Assert.Throws<Validation.InvalidSettingsException>(() => loaded.Valid);
        }
    }

    [Fact]
    public void Sysctl_reasons_refuse_line_breaks_that_would_add_a_setting()
    {
        var loaded = Stacks.Load("kernel.sysctl={vm.swappiness: {value: \"10\", reason: \"ok\\nkernel.sysrq = 1\"}}");
        Assert.Contains(loaded.Findings.Errors, e => e.Key == "origin:kernel.sysctl.vm.swappiness.reason");
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void The_renderer_refuses_what_validation_would(string hostile)
    {
        Assert.Throws<UnsafeValueException>(() => Template.Token(hostile));
    }

    public static IEnumerable<object[]> HostileValues() => Hostile.Select(h => new object[] { h });

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Hostile_cloudflare_ranges_from_the_provider_are_refused(string hostile)
    {
        Assert.Throws<ArgumentException>(() => DeployInputs.FromRanges(["173.245.48.0/20", "10.0.0.0/8" + hostile], []));
    }

    [Fact]
    public void An_empty_range_list_is_refused_rather_than_locking_the_origin_to_nothing()
    {
        Assert.Throws<ArgumentException>(() => DeployInputs.FromRanges([], ["2400:cb00::/32"]));
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Hostile_redis_passwords_are_refused_without_being_echoed(string hostile)
    {
        var password = "AAAAAAAAAAAAAAAAAAAA" + hostile;
        var e = Assert.Throws<Validation.InvalidSettingsException>(() => Supplies.CheckRedisPassword(password));
        Assert.DoesNotContain(hostile, e.Message.Replace("origin:", ""));
    }

    [Fact]
    public void A_certificate_that_is_not_pem_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Supplies.CheckCertificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n$(reboot)"));
        Assert.Equal("-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n", Supplies.CheckCertificate("-----BEGIN CERTIFICATE-----\r\nQUJD\r\n-----END CERTIFICATE-----"));
    }
}
