namespace Origin.Binding;

/// <summary>How config keys are spelled: the Pulumi project name is the namespace, sections are structured values.</summary>
public static class ConfigKeys
{
    /// <summary>The Pulumi project name, and so the namespace of every key in Pulumi.&lt;stack&gt;.yaml.</summary>
    public const string Namespace = "origin";

    /// <summary>The sections of <see cref="Settings.OriginSettings"/>, in the order the README lists them.</summary>
    public static IReadOnlyList<string> Sections { get; } =
        SettingsBinder.ConfigProperties(typeof(Settings.OriginSettings)).Select(SettingsBinder.ConfigName).ToList();

    /// <summary>Secrets are set with `pulumi config set --secret` and never live in the settings model.</summary>
    public static IReadOnlyList<string> SecretKeys { get; } = ["sshPrivateKey", "redisPassword", "sshHostPrivateKey", "tokenSecret", "tokenSecretPrevious"];

    /// <summary>"nginx.workerConnections" becomes "origin:nginx.workerConnections".</summary>
    public static string Of(string path) => $"{Namespace}:{path}";
}
