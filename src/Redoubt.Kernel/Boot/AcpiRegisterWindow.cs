namespace Redoubt.Kernel.Boot;

// A physical range of device registers Redoubt keeps from Dom0, and the signature of the table
// that described it: an IOMMU's register set (DMAR, IVRS) or the TPM's (TPM2, TCPA). Base and
// Length are multiples of 4 KiB and [Base, Base + Length) does not wrap.
public readonly struct AcpiRegisterWindow
{
    public AcpiRegisterWindow(uint signature, ulong @base, ulong length)
    {
        Signature = signature;
        Base = @base;
        Length = length;
    }

    public uint Signature { get; }
    public ulong Base { get; }
    public ulong Length { get; }

    public ulong End => Base + Length;
}
