using Origin.Capacity;
using Origin.Settings;

namespace Origin.Validation;

/// <summary>
/// Checks that need more than one value: the rules binding cannot see. Each area has its own rule set;
/// all of them run, so one load reports every problem. Capacity facts that are not errors become warnings
/// with their numbers.
/// </summary>
public static class SettingsValidator
{
    public static void Check(OriginSettings settings, Findings findings)
    {
        var sizing = new Sizing(settings);
        HostRules.Check(settings, sizing, findings);
        StorageRules.Check(settings, sizing, findings);
        NginxRules.Check(settings, sizing, findings);
        ServiceRules.Check(settings, sizing, findings);
        MonitoringRules.Check(settings, findings);
        PrivilegeRules.Check(settings, findings);
        CloudflareRules.Check(settings, findings);
        CapacityRules.Check(settings, sizing, findings);
    }
}
