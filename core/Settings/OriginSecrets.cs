using System.Text.RegularExpressions;
using Origin.Binding;
using Origin.Validation;

namespace Origin.Settings;

/// <summary>
/// Secrets that end up in files on the host. They come from Pulumi secret config, are rendered only
/// into secret files (never into a golden file or a plain resource input), and are checked without
/// ever being echoed: an error says what is wrong, not what the value was.
/// </summary>
public sealed partial record OriginSecrets(string RedisPassword)
{
    public const string RedisPasswordKey = "redisPassword";

    /// <summary>The key viewer tokens are signed with (and checked against, at the edge and at the origin).</summary>
    public const string TokenSecretKey = "tokenSecret";

    /// <summary>The key before the last rotation: tokens signed with it stay valid while it is set.</summary>
    public const string TokenSecretPreviousKey = "tokenSecretPrevious";

    // The password is written into redis.conf, a systemd EnvironmentFile and the exporter's env file;
    // this alphabet needs quoting in none of them.
    [GeneratedRegex("^[A-Za-z0-9._~+/=-]{16,256}$")]
    private static partial Regex RedisPasswordPattern();

    public const string SshHostPrivateKeyKey = "sshHostPrivateKey";

    /// <summary>
    /// The hcloud server's host key: an unencrypted Ed25519 OpenSSH key whose public half is the
    /// configured host.ssh.hostKey, which every connection pins.
    /// </summary>
    public static Values.OpenSshPrivateKey? CheckHostKey(string privateKey, Values.SshPublicKey? hostKey, Findings findings)
    {
        if (!Values.OpenSshPrivateKey.TryParse(privateKey, out var key, out var problem))
            findings.Error(ConfigKeys.Of(SshHostPrivateKeyKey), problem + " (pulumi config set --secret origin:sshHostPrivateKey < <key file>)", "a secret that is not one");
        else if (hostKey is not null && key.PublicKey.Digest != hostKey.Digest)
            findings.Error(ConfigKeys.Of(SshHostPrivateKeyKey), "the private half of host.ssh.hostKey", $"the private half of {key.PublicKey.Value}");
        else
            return key;
        return null;
    }

    // A token key is written into the edge rule's expression (a quoted string literal), a JSON file
    // nginx reads and a systemd EnvironmentFile: this alphabet needs escaping in none of them. 32
    // characters of base64 carry 192 bits, more than HMAC-SHA256 needs.
    [GeneratedRegex("^[A-Za-z0-9._~+/=-]{32,256}$")]
    private static partial Regex TokenSecretPattern();

    public static void Check(string redisPassword, Findings findings) =>
        Check(RedisPasswordKey, redisPassword, RedisPasswordPattern(), 16, findings);

    public static void CheckTokenSecret(string key, string secret, Findings findings) =>
        Check(key, secret, TokenSecretPattern(), 32, findings);

    private static void Check(string key, string secret, Regex pattern, int minLength, Findings findings)
    {
        if (!pattern.IsMatch(secret))
            findings.Error(ConfigKeys.Of(key),
                $"a secret of {minLength} to 256 characters of [A-Za-z0-9._~+/=-] (generate one with: openssl rand -base64 33)",
                $"a secret of {secret.Length} characters{(secret.Any(c => !char.IsAsciiLetterOrDigit(c) && !"._~+/=-".Contains(c)) ? " with a character outside that set" : "")}");
    }
}
