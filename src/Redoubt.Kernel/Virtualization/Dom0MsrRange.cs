namespace Redoubt.Kernel.Virtualization;

// One entry of Dom0's MSR table: the MSRs First..Last (inclusive), what a read and a write of
// them get, for Checked writes the bits Dom0 may change, and why.
public readonly struct Dom0MsrRange
{
    public Dom0MsrRange(uint first, uint last, Dom0MsrAccess read, Dom0MsrAccess write, ulong writableBits, string reason)
    {
        First = first;
        Last = last;
        Read = read;
        Write = write;
        WritableBits = writableBits;
        Reason = reason;
    }

    public uint First { get; }
    public uint Last { get; }
    public Dom0MsrAccess Read { get; }
    public Dom0MsrAccess Write { get; }
    public ulong WritableBits { get; }
    public string Reason { get; }

    public bool Contains(uint msr) => msr >= First && msr <= Last;
}
