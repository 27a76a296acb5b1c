namespace Redoubt.Abi;

// Hypercall numbers. Register convention (VMMCALL from Dom0 or a guest, x86-64):
//   in:  RAX = number, RDI = arg0, RSI = arg1, RDX = arg2, R10 = arg3, R8 = arg4, R9 = arg5
//   out: RAX = HypercallStatus, RDI = result0, RSI = result1, RDX = result2
// Every other register is preserved. Capabilities are named by slot index in the caller's
// capability space. Buffers are (guest-physical address, length) in the caller's own memory.
public enum Hypercall : ulong
{
    // -> result0 = ABI version, result1 = frames total, result2 = frames free.
    //    arg0/arg1 = optional buffer for an InfoRecord (0/0 for none).
    Info = 0x00,

    // -> result0 = slot of a new VM capability with VmRights.Owner.
    VmCreate = 0x10,
    // arg0 = VM slot (Destroy). Scrubs and returns every frame, revokes every capability to it.
    VmDestroy = 0x11,
    // arg0 = VM slot (Donate), arg1 = caller's frame address, arg2 = page count,
    // arg3 = guest-physical address in the VM. The frames leave the caller's nested table.
    MemDonate = 0x12,
    // arg0 = VM slot (Reclaim), arg1 = guest-physical address, arg2 = page count.
    // The frames are zeroed, then returned to Dom0 at their own addresses.
    MemReclaim = 0x13,
    // arg0 = VM slot (Load), arg1 = guest-physical address, arg2 = caller's source address,
    // arg3 = length (whole pages), arg4 = PageMeasureFlags. Copies and extends the launch
    // measurement. Only before VmFinalize.
    VmLoad = 0x14,
    // arg0 = VM slot (Finalize). Seals the launch measurement.
    VmFinalize = 0x15,
    // arg0 = VM slot (CreateVcpu) -> result0 = slot of a new vCPU capability. Before VmFinalize.
    VcpuCreate = 0x16,
    // arg0 = vCPU slot (SetState), arg1/arg2 = buffer holding a VcpuState. Before VmFinalize.
    VcpuSetState = 0x17,
    // arg0 = VM slot (Share), arg1 = guest-physical address, arg2 = page count.
    // Maps the VM's frames into Dom0's nested table at their own addresses (I/O rings).
    MemShare = 0x18,
    // arg0 = VM slot (Share), arg1 = guest-physical address, arg2 = page count.
    MemUnshare = 0x19,
    // arg0 = vCPU slot (Run), arg1/arg2 = buffer for an ExitMessage. Runs the vCPU on the
    // calling CPU until an exit needs the caller (defined now; implemented with SVM).
    VcpuRun = 0x1A,
    // arg0 = VM slot (Measure), arg1/arg2 = buffer for a CvmReport.
    VmReport = 0x1B,

    // arg0 = source slot, arg1 = rights mask -> result0 = new slot with (source rights & mask).
    CapDerive = 0x20,
    // arg0 = slot. Removes the capability and every capability derived from it.
    CapRevoke = 0x21,
}
