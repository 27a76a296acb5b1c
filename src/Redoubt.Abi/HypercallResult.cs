namespace Redoubt.Abi;

// A hypercall's outputs: RAX = Status, RDI/RSI/RDX = results (0 unless the call defines them).
public struct HypercallResult
{
    public HypercallStatus Status;
    public ulong Result0;
    public ulong Result1;
    public ulong Result2;

    public static HypercallResult Fail(HypercallStatus status) => new HypercallResult { Status = status };

    public static HypercallResult Ok(ulong result0 = 0, ulong result1 = 0, ulong result2 = 0) =>
        new HypercallResult { Status = HypercallStatus.Success, Result0 = result0, Result1 = result1, Result2 = result2 };
}
