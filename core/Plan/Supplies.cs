using System.Text.RegularExpressions;
using Origin.Settings;
using Origin.Validation;

namespace Origin.Plan;

/// <summary>Deploy-time values of supplied files. Checked again here, at the point of use.</summary>
/// <param name="TokenKeys">The viewer-token keys, one a line, the current one first (<see cref="JoinTokenKeys"/>).</param>
public sealed partial record Supplies(string RedisPassword, string OriginCertificatePem, string TokenKeys)
{
    /// <summary>The deploy-time value of a supply.</summary>
    public string Of(Supply supply) => supply switch
    {
        Supply.RedisPassword => RedisPassword,
        Supply.TokenKeys => TokenKeys,
        _ => OriginCertificatePem,
    };

    /// <summary>The keys file's content: the key tokens are issued with, then the previous one while a rotation lasts.</summary>
    public static string JoinTokenKeys(string current, string? previous) => current + "\n" + (previous is null ? "" : previous + "\n");

    /// <summary>One token key, checked where it is written into the edge rule.</summary>
    public static string CheckTokenKey(string key)
    {
        var findings = new Findings();
        OriginSecrets.CheckTokenSecret(OriginSecrets.TokenSecretKey, key, findings);
        return findings.HasErrors ? throw new InvalidSettingsException(findings.Errors.ToList()) : key;
    }

    public static string CheckTokenKeys(string keys)
    {
        var lines = keys.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var findings = new Findings();
        foreach (var (key, name) in lines.Zip([OriginSecrets.TokenSecretKey, OriginSecrets.TokenSecretPreviousKey]))
            OriginSecrets.CheckTokenSecret(name, key, findings);
        if (lines.Length is 0 or > 2) throw new ArgumentException("the token keys are one or two keys, one a line");
        return findings.HasErrors ? throw new InvalidSettingsException(findings.Errors.ToList()) : string.Join("", lines.Select(l => l + "\n"));
    }

    [GeneratedRegex(@"^(-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?)+$")]
    private static partial Regex PemChain();

    public static string CheckCertificate(string pem)
    {
        var normalized = pem.Replace("\r\n", "\n").TrimEnd('\n') + "\n";
        return PemChain().IsMatch(normalized) ? normalized : throw new ArgumentException("the origin certificate is not a PEM certificate chain");
    }

    public static string CheckRedisPassword(string password)
    {
        var findings = new Findings();
        OriginSecrets.Check(password, findings);
        return findings.HasErrors ? throw new InvalidSettingsException(findings.Errors.ToList()) : password;
    }
}
