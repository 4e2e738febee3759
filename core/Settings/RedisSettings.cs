using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

public enum EvictionPolicy
{
    Noeviction,
    [ConfigName("volatile-lru")] VolatileLru,
    [ConfigName("volatile-lfu")] VolatileLfu,
    [ConfigName("volatile-ttl")] VolatileTtl,
    [ConfigName("volatile-random")] VolatileRandom,
    [ConfigName("allkeys-lru")] AllkeysLru,
    [ConfigName("allkeys-lfu")] AllkeysLfu,
    [ConfigName("allkeys-random")] AllkeysRandom,
}

public enum RedisPersistence
{
    /// <summary>Append-only file, fsync every second, RDB preamble.</summary>
    Aof,
    /// <summary>RDB snapshots only.</summary>
    Rdb,
    /// <summary>Nothing survives a restart: the API's stream records are lost.</summary>
    None,
}

public sealed record RedisSettings
{
    [Doc("maxmemory. Stream state is small (audit 6: ~3 MB for 1000 channels and users, tokens included, which the stack no longer stores).")]
    public ByteSize Maxmemory { get; init; } = ByteSize.FromMiB(256);

    [Doc("maxmemory-policy. Never allkeys-*: Redis holds live stream state, which must not be evicted (AUDIT-NOTES #6).")]
    public EvictionPolicy EvictionPolicy { get; init; } = EvictionPolicy.Noeviction;

    [Doc("aof (everysec), rdb or none. A restart without persistence forgets the API's stream records (AUDIT-NOTES #6).")]
    public RedisPersistence Persistence { get; init; } = RedisPersistence.Aof;

    [Doc("TCP port on 127.0.0.1. Redis never listens elsewhere.")]
    [Range(1024, 65535)]
    public int Port { get; init; } = 6379;

    [Doc("maxclients; the unit's LimitNOFILE is set to this plus 32.")]
    [Range(16, 100_000)]
    public int MaxClients { get; init; } = 10_000;

    [Doc("Close client connections idle this long; 0s never (audit 6: 300).")]
    public Duration IdleTimeout { get; init; } = Duration.FromSeconds(300);

    [Doc("tcp-backlog; must not exceed net.core.somaxconn.")]
    [Range(16, 65535)]
    public int TcpBacklog { get; init; } = 511;
}
