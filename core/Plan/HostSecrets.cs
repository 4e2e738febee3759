using Origin.Binding;
using Origin.Settings;

namespace Origin.Plan;

/// <summary>
/// What of the stack's secrets a converged host holds, read from the plan: whoever controlled the host
/// has read all of it, so a rebuild after a compromise replaces every one (docs/disaster-rebuild.md,
/// section 4). A viewer-token key on the host lets its reader mint tokens for any channel, accepted at
/// the edge and at the origin.
/// </summary>
public static class HostSecrets
{
    /// <summary>One thing to replace: the config key (or, for what the host made itself, what to revoke) and how.</summary>
    public sealed record Rotation(string What, string How);

    public static IReadOnlyList<Rotation> AfterCompromise(HostPlan plan, OriginSettings settings)
    {
        var rotations = new List<Rotation>();
        foreach (var supply in plan.Steps.SelectMany(s => s.Supplied).Select(f => f.Supply).Distinct())
            rotations.AddRange(supply switch
            {
                Supply.RedisPassword => [new Rotation(ConfigKeys.Of(OriginSecrets.RedisPasswordKey), "set a new one")],
                Supply.TokenKeys =>
                [
                    new Rotation(ConfigKeys.Of(OriginSecrets.TokenSecretKey), "set a new one"),
                    // Both keys of a rotation were in the keys file: the previous one must go, not stay accepted.
                    new Rotation(ConfigKeys.Of(OriginSecrets.TokenSecretPreviousKey), "remove it (pulumi config rm), never set it to the old key"),
                ],
                Supply.OriginCertificate => [new Rotation("the Origin CA certificate", "revoke it at Cloudflare; the new host makes a new key and the stack a new certificate")],
                _ => throw new ArgumentOutOfRangeException(nameof(plan), supply, "a supplied secret this list does not know"),
            });
        // The hcloud server's user data carries its host key, readable on the server for its whole life.
        if (settings.Host.Mode == HostMode.Hcloud)
            rotations.Add(new Rotation(ConfigKeys.Of(OriginSecrets.SshHostPrivateKeyKey), "make a new pair and set it with host.ssh.hostKey"));
        // Not on the host, but the compromised host accepted it: replaced so that what an intruder left in
        // authorized_keys or learnt there is of no use against the new one.
        rotations.Add(new Rotation(ConfigKeys.Of("sshPrivateKey"), "make a new pair"));
        return rotations;
    }
}
