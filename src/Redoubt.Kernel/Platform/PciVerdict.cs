namespace Redoubt.Kernel.Platform;

// PciConfigFilter's answer: Allow (carry the access out), Refuse (not carried out: a read gives
// all ones; logged), Hide (the same, for a hidden function; logged more quietly).
public enum PciVerdict : byte
{
    Allow,
    Refuse,
    Hide,
}
