using Origin.Binding;
using Origin.Rendering;
using Origin.Settings;

namespace Origin.Plan.Steps;

/// <summary>Redis for the API's stream state: loopback, password, noeviction, AOF (AUDIT-NOTES #6).</summary>
internal static class RedisStep
{
    public const string SecretConf = "/etc/redis/origin-secret.conf";
    public const string PasswordEnv = "/etc/origin-stack/redis-password.env";

    public static Step Build(PlanContext c)
    {
        var r = c.Settings.Redis;
        var (persistence, reason) = r.Persistence switch
        {
            RedisPersistence.Aof => (new[] { "appendonly yes", "appendfsync everysec", "aof-use-rdb-preamble yes", "save \"\"" },
                "AOF, fsync every second: a restart keeps the stream state, losing at most one second of writes."),
            RedisPersistence.Rdb => (new[] { "appendonly no", "save 900 1 300 10 60 10000" },
                "RDB snapshots: a crash loses the writes since the last snapshot."),
            _ => (new[] { "appendonly no", "save \"\"" },
                "none: a restart forgets every stream record (redis.persistence)."),
        };
        var policy = Template.Token(SettingsBinder.EnumName(r.EvictionPolicy));
        var files = new List<HostFile>
        {
            PlanContext.File("/etc/redis/redis.conf", "640", "root", "redis", "redis/redis.conf", new()
            {
                ["port"] = Template.Token(r.Port),
                ["tcp_backlog"] = Template.Token(r.TcpBacklog),
                ["timeout_seconds"] = Template.Token(r.IdleTimeout.Seconds),
                ["maxclients"] = Template.Token(r.MaxClients),
                ["maxmemory_bytes"] = Template.Token(r.Maxmemory.Bytes),
                ["policy"] = policy,
                ["persistence_reason"] = Template.Comment(reason),
                ["persistence"] = Template.Lines(persistence),
            }),
            PlanContext.File("/etc/systemd/system/redis-server.service.d/origin.conf", "644", "root", "root", "redis/limits.conf", new()
            {
                ["maxclients"] = Template.Token(r.MaxClients),
                ["nofile"] = Template.Token(r.MaxClients + 32),
            }),
        };
        IReadOnlyList<SuppliedFile> supplied =
        [
            PlanContext.Supplied("redis-secret", SecretConf, "640", "root", "redis", Supply.RedisPassword, "redis/origin-secret.conf", "the Redis password, for redis-server"),
            PlanContext.Supplied("redis-password-env", PasswordEnv, "600", "root", "root", Supply.RedisPassword, "redis/redis-password.env", "the Redis password, for the API and the exporter"),
        ];
        return PlanContext.Step("redis", "Redis (tokens and stream state)", files,
            new() { ["port"] = Template.Token(r.Port), ["policy"] = policy },
            new(),
            supplied, inputs: [PlanInput.RedisPassword]);
    }
}
