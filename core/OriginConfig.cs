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

    public static Loaded Load(IReadOnlyDictionary<string, YamlNode> sections)
    {
        var findings = new Findings();
        var settings = StackConfig.Bind(sections, findings);
        SettingsValidator.Check(settings, findings);
        return new Loaded(settings, findings);
    }

    public static Loaded LoadStackFile(string path) => Load(StackConfig.ReadStackFile(path));
}
