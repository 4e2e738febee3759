using Origin.Binding;
using Origin.Settings;
using Origin.Validation;
using YamlDotNet.RepresentationModel;

namespace Origin;

/// <summary>The one way in: binds the stack config, validates it, and reports every finding at once.</summary>
public static class OriginConfig
{
    public sealed record Loaded(OriginSettings Settings, Findings Findings)
    {
        /// <summary>The settings, or an exception listing every error.</summary>
        public OriginSettings Valid => Findings.HasErrors ? throw new InvalidSettingsException(Findings.Errors.ToList()) : Settings;
    }

    /// <param name="findings">Problems already found reading the config, reported with the rest.</param>
    public static Loaded Load(IReadOnlyDictionary<string, YamlNode> sections, Findings? findings = null)
    {
        findings ??= new Findings();
        var settings = StackConfig.Bind(sections, findings);
        SettingsValidator.Check(settings, findings);
        return new Loaded(settings, findings);
    }

    /// <summary>A malformed file is reported as findings, with the file, line and key; nothing is bound from it.</summary>
    public static Loaded LoadStackFile(string path)
    {
        var findings = new Findings();
        var sections = StackConfig.ReadStackFile(path, findings);
        return findings.HasErrors ? new Loaded(new OriginSettings(), findings) : Load(sections, findings);
    }
}
