namespace Redoubt.Kernel.Platform;

// PlatformPortPolicy's answer for one write: the action, why, and for sleep requests the
// SLP_TYP written.
public readonly struct PortVerdict
{
    public PortVerdict(PortAction action, PortReason reason, byte sleepType = 0)
    {
        Action = action;
        Reason = reason;
        SleepType = sleepType;
    }

    public PortAction Action { get; }
    public PortReason Reason { get; }
    public byte SleepType { get; }

    public static PortVerdict Pass => new(PortAction.PassThrough, PortReason.None);
}
