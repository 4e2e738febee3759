namespace Origin.Infra.Tests;

/// <summary>Resource type tokens as the mocks see them.</summary>
internal static class Types
{
    public const string Command = "command:remote:Command";
    public const string LocalCommand = "command:local:Command";
    public const string Copy = "command:remote:CopyToRemote";
    public const string Server = "hcloud:index/server:Server";
    public const string SshKey = "hcloud:index/sshKey:SshKey";
    public const string Firewall = "hcloud:index/firewall:Firewall";
    public const string DnsRecord = "cloudflare:index/dnsRecord:DnsRecord";
    public const string Ruleset = "cloudflare:index/ruleset:Ruleset";
    public const string ZoneSetting = "cloudflare:index/zoneSetting:ZoneSetting";
    public const string BotManagement = "cloudflare:index/botManagement:BotManagement";
    public const string TieredCache = "cloudflare:index/tieredCache:TieredCache";
    public const string ArgoTieredCaching = "cloudflare:index/argoTieredCaching:ArgoTieredCaching";
    public const string HostnameTlsSetting = "cloudflare:index/hostnameTlsSetting:HostnameTlsSetting";
    public const string OriginCaCertificate = "cloudflare:index/originCaCertificate:OriginCaCertificate";
    public const string Host = "origin:host:Host";
    public const string Step = "origin:host:Step";
    public const string Verify = "origin:host:Verify";
    public const string Zone = "origin:edge:Zone";
    public const string Certificate = "origin:edge:OriginCertificate";
}
