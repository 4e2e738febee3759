using Origin.Binding;

namespace Origin.Settings;

public enum IoScheduler
{
    None,
    [ConfigName("mq-deadline")] MqDeadline,
    Bfq,
    Kyber,
}

/// <summary>
/// I/O tuning by udev rule (AUDIT-NOTES #5): md devices are not blk-mq, so a scheduler written to
/// /sys/block/md2/queue/scheduler does nothing. Schedulers go on the member disks by class, and
/// read-ahead goes on the md device. No rc.local.
/// </summary>
public sealed record DiskSettings
{
    [Doc("Scheduler for rotational member disks (sd*/vd* with queue/rotational=1).")]
    public IoScheduler Rotational { get; init; } = IoScheduler.MqDeadline;

    [Doc("Scheduler for non-rotational SATA/SAS/virtio member disks.")]
    public IoScheduler Ssd { get; init; } = IoScheduler.MqDeadline;

    [Doc("Scheduler for NVMe namespaces. none: NVMe queues are deep and a scheduler only adds latency.")]
    public IoScheduler Nvme { get; init; } = IoScheduler.None;

    [Doc("Read-ahead of md arrays in KiB. Only disk-backed sequential reads benefit: HLS is served from tmpfs.")]
    [Range(0, 65536)]
    public int MdReadAheadKb { get; init; } = 2048;
}
