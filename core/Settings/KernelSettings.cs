using Origin.Binding;
using Origin.Values;

namespace Origin.Settings;

/// <summary>A sysctl and why it is set. The reason is written above the line in /etc/sysctl.d. A bare value keeps the default's reason.</summary>
[Shorthand("value")]
public sealed record SysctlSetting
{
    [Doc("Value written to the key.")]
    public SysctlValue Value { get; init; } = new("0");

    [Doc("One line saying why; rendered as a comment above the setting.")]
    public CommentText Reason { get; init; } = new("set in the stack config");

    public static SysctlSetting Of(string value, string reason) => new() { Value = new(value), Reason = new(reason) };
}

public sealed record KernelSettings
{
    [Doc("Sysctls written to /etc/sysctl.d/60-origin.conf. Entries merge with the defaults; an entry set to null removes a default.")]
    public IReadOnlyDictionary<SysctlKey, SysctlSetting> Sysctl { get; init; } = Defaults;

    /// <summary>
    /// The audit's section 5 and 10 settings as corrected by AUDIT-NOTES #7, plus the listen-queue
    /// settings nginx's backlog needs. tcp_tw_reuse is deliberately absent: it only affects outgoing
    /// connections, and the default (2) already enables it for loopback, the only place this host
    /// connects out at volume (nginx to the API).
    /// </summary>
    public static IReadOnlyDictionary<SysctlKey, SysctlSetting> Defaults { get; } = new SortedDictionary<SysctlKey, SysctlSetting>(Comparer<SysctlKey>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)))
    {
        [new("net.core.default_qdisc")] = SysctlSetting.Of("fq", "fq paces each flow, which BBR relies on (audit 5)"),
        [new("net.ipv4.tcp_congestion_control")] = SysctlSetting.Of("bbr", "BBR holds throughput on lossy long paths better than cubic (audit 5); tcp_bbr is loaded at boot"),
        [new("net.ipv4.tcp_rmem")] = SysctlSetting.Of("4096 262144 8388608", "larger receive buffers for long fat paths (audit 5)"),
        [new("net.ipv4.tcp_wmem")] = SysctlSetting.Of("4096 262144 8388608", "a 256 KiB default send buffer moves a segment in fewer writes (audit 5)"),
        [new("net.core.netdev_max_backlog")] = SysctlSetting.Of("5000", "more room for packet bursts per CPU before drops (audit 5)"),
        [new("net.core.somaxconn")] = SysctlSetting.Of("4096", "caps every listen backlog; nginx asks for nginx.listenBacklog, which must not exceed it"),
        [new("net.ipv4.tcp_max_syn_backlog")] = SysctlSetting.Of("4096", "half-open connections queued per listener during connection bursts (audit: 4096 SYN backlog)"),
        [new("net.ipv4.tcp_fin_timeout")] = SysctlSetting.Of("15", "frees FIN_WAIT_2 orphans of vanished viewers sooner; it does not shorten TIME_WAIT (fixed 60 s) (AUDIT-NOTES 7)"),
        [new("net.ipv4.tcp_slow_start_after_idle")] = SysctlSetting.Of("0", "a viewer fetches a segment every few seconds; keep its window between fetches instead of restarting slow start"),
        [new("vm.swappiness")] = SysctlSetting.Of("10", "prefer dropping page cache to swapping service memory out (audit 10)"),
        [new("vm.vfs_cache_pressure")] = SysctlSetting.Of("50", "keep dentries and inodes of the HLS directory cached (audit 10)"),
    };
}
