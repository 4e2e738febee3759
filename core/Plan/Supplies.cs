using System.Text.RegularExpressions;
using Origin.Settings;
using Origin.Validation;

namespace Origin.Plan;

/// <summary>Deploy-time values of supplied files. Checked again here, at the point of use.</summary>
public sealed partial record Supplies(string RedisPassword, string OriginCertificatePem)
{
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
