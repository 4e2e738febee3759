namespace Origin.Plan;

/// <summary>
/// How long pulumi-command keeps dialing a host before a command fails, for the connection's
/// dialErrorLimit and perDialTimeout. From the provider's source:
/// <list type="bullet">
/// <item>pulumi/pulumi-command provider/pkg/provider/remote/connection.go@v1.2.1 (dialWithRetry,
/// reachedDialingErrorLimit): attempt <c>try</c> = 0, 1, ... fails the dial once <c>try + 1 &gt; limit</c>,
/// so a limit of N makes N + 1 attempts; each is <c>ssh.Dial</c> with <c>Timeout = perDialTimeout</c>,
/// the TCP connect timeout.</item>
/// <item>pulumi/pulumi sdk/go/common/util/retry/until.go (v3.224.0, the SDK pulumi-command v1.2.1's
/// go.mod pins): between attempts it waits 100 ms, then 1.5 times longer each time, at most 5 s.</item>
/// </list>
/// A refused connection fails at once, so only the waits count (the default limit of 10 is spent in
/// 11.3 s: pulumi/pulumi-command issue 1238); a dropped one costs the whole per-dial timeout.
/// </summary>
public sealed record DialBudget(int DialErrorLimit, int PerDialTimeoutSeconds)
{
    /// <summary>
    /// Every converge command: enough for a new hcloud server to boot and start sshd while it refuses
    /// connections (4.4 min), and for its network to come up while it drops them.
    /// </summary>
    public static readonly DialBudget Converge = new(60, 10);

    /// <summary>
    /// The firewall confirm: a ruleset that drops it must make the confirm fail well inside the
    /// rollback window, long before the rollback could let a late dial through: 3 attempts of 8 s
    /// (each long enough for Linux's SYN retransmissions at 1 and 3 s), 24.3 s in all.
    /// </summary>
    public static readonly DialBudget Confirm = new(2, 8);

    public int Attempts => DialErrorLimit + 1;

    /// <summary>The waits between the attempts.</summary>
    public TimeSpan Backoff
    {
        get
        {
            double total = 0, delay = 0.1;
            for (var i = 0; i < DialErrorLimit; i++, delay *= 1.5) total += Math.Min(delay, 5);
            return TimeSpan.FromSeconds(total);
        }
    }

    /// <summary>Until the last attempt fails, when every attempt is refused.</summary>
    public TimeSpan WhenRefused => Backoff;

    /// <summary>Until the last attempt fails, when every attempt is dropped.</summary>
    public TimeSpan WhenDropped => Backoff + TimeSpan.FromSeconds(Attempts * PerDialTimeoutSeconds);
}
