using System.Runtime.InteropServices;

namespace Redoubt.Abi;

// Evidence about one confidential VM (VmReport), later bound into a TPM quote by hashing it
// with the verifier's nonce.
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct CvmReport
{
    public const int Size = 192;
    public const uint CurrentVersion = 1;

    public uint Version;
    public uint Policy;                 // ReportPolicy bits
    public ulong KernelVersion;
    public ulong KernelSecurityVersion;
    public ulong VcpuCount;
    public Digest384 LaunchMeasurement; // sealed by VmFinalize
    public Digest384 VmmMeasurement;    // zero until VMM sandboxes exist
    public ReportData ReportData;
}
