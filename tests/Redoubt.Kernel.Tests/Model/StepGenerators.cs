using CsCheck;
using Redoubt.Abi;
using Redoubt.Explorer;

namespace Redoubt.Kernel.Tests.Model;

// Random steps over the ModelShape machine. Arguments come mostly from the values that mean
// something there (slots that get filled, Dom0 frames, the first guest pages, record sizes) and
// sometimes from the edges and beyond: other frames, absent and misaligned addresses, zero and
// huge counts, unknown flags and numbers, addresses past the 48-bit guest-physical space, and
// plain 64-bit garbage.
public static class StepGenerators
{
    private const ulong Page = ModelShape.PageSize;

    private static readonly Gen<ushort> Caller = Gen.Frequency(
        (14, Gen.Const((ushort)0)),
        (4, Gen.Int[1, 2].Select(i => (ushort)i)),
        (1, Gen.OneOf((ushort)3, ushort.MaxValue)));

    // The VMs themselves, for the calls only they can make.
    private static readonly Gen<ushort> GuestCaller = Gen.Frequency(
        (8, Gen.Const((ushort)1)),
        (3, Gen.Const((ushort)2)),
        (1, Gen.Const((ushort)0)));

    // Dom0's VM capabilities usually sit in slots 0 and 1, vCPU and derived ones after them.
    private static readonly Gen<ulong> Slot = Gen.Frequency(
        (10, Gen.Const(0UL)),
        (8, Gen.Const(1UL)),
        (6, Gen.ULong[2, 3]),
        (3, Gen.ULong[4, 7]),
        (1, Gen.ULong[8, 9]),
        (1, Gen.ULong));

    // A VM names itself by slot 0.
    private static readonly Gen<ulong> GuestSlot = Gen.Frequency((10, Gen.Const(0UL)), (1, Slot));

    // vCPU capabilities land after the VM ones.
    private static readonly Gen<ulong> VcpuSlot = Gen.Frequency((6, Gen.ULong[1, 3]), (1, Slot));

    private static readonly Gen<ulong> Dom0Frame = Gen.ULong[ModelShape.FirstDom0Frame, ModelShape.Frames - 1];

    private static readonly Gen<ulong> Dom0Address = Dom0Frame.Select(f => f * Page);

    // The last few Dom0 frames hold most buffers (and what Dom0 writes), so that a call finds there
    // what an earlier write left; they can be donated too.
    private static readonly Gen<ulong> BufferFrame = Gen.ULong[ModelShape.Frames - 2, ModelShape.Frames - 1];

    private static readonly Gen<ulong> BufferFrameAddress = BufferFrame.Select(f => f * Page);

    private static readonly Gen<ulong> BufferOffset = Gen.OneOf(0UL, 4000UL);

    // Few guest pages, so that calls often meet the pages earlier calls mapped.
    private static readonly Gen<ulong> GuestPage = Gen.ULong[0, 3].Select(p => p * Page);

    // Bits above the 48-bit guest-physical space set on an address that is mapped below it.
    private static readonly Gen<ulong> BeyondGuestPhysical = Gen.Select(Gen.OneOf(Dom0Address, GuestPage), Gen.OneOf(1UL << 48, 1UL << 52, 1UL << 63), (a, b) => a | b);

    private static readonly Gen<ulong> HostAddress = Gen.Frequency(
        (10, Dom0Address),
        (2, Gen.ULong[0, ModelShape.Frames - 1].Select(f => f * Page)),
        (1, Gen.ULong[ModelShape.Frames, 300].Select(f => f * Page)),
        (1, Gen.Select(Dom0Address, Gen.ULong[1, Page - 1], (a, o) => a + o)),
        (1, Gen.ULong));

    private static readonly Gen<ulong> GuestAddress = Gen.Frequency(
        (20, GuestPage),
        (1, Gen.ULong[0, 3].Select(p => 0x4000_0000 + p * Page)),
        (1, Gen.ULong[1, 4].Select(p => 0x8000_0000_0000 - p * Page)),
        (1, Gen.Select(GuestPage, Gen.ULong[1, Page - 1], (a, o) => a + o)),
        (1, Gen.OneOf(0x8000_0000_0000UL, 0xFFFF_FFFF_FFFF_F000UL)),
        (1, Gen.ULong));

    private static readonly Gen<ulong> Pages = Gen.Frequency(
        (10, Gen.ULong[1, 2]),
        (4, Gen.ULong[3, 4]),
        (2, Gen.ULong[5, 12]),
        (1, Gen.Const(0UL)),
        (1, Gen.ULong[40, 60]),
        (1, Gen.ULong));

    // Where records are read or written: the caller's memory (Dom0 frames or guest pages), at the
    // start of a page or straddling into the next one; now and then elsewhere.
    private static readonly Gen<ulong> Buffer = Gen.Frequency(
        (6, Gen.Select(BufferFrameAddress, BufferOffset, (a, o) => a + o)),
        (2, Gen.Select(Dom0Address, BufferOffset, (a, o) => a + o)),
        (3, Gen.Select(GuestPage, BufferOffset, (a, o) => a + o)),
        (1, Gen.ULong[0, ModelShape.Frames - 1].Select(f => f * Page)),
        (1, BeyondGuestPhysical),
        (1, Gen.ULong));

    // Where vCPU states are read from: mostly the start of the last Dom0 frame, where setup writes one.
    private static readonly Gen<ulong> StateBuffer = Gen.Frequency((3, Gen.Const((ModelShape.Frames - 1) * Page)), (2, Buffer));

    private static Gen<ulong> Length(int recordSize) => Gen.Frequency(
        (8, Gen.Const((ulong)recordSize)),
        (1, Gen.OneOf((ulong)recordSize - 1, 0UL, Page, 2UL << 20)),
        (1, Gen.ULong));

    private static readonly Gen<ulong> LoadSource = Gen.Frequency(
        (6, BufferFrameAddress),
        (2, Dom0Address),
        (2, GuestPage),
        (1, Gen.Select(Dom0Address, Gen.ULong[1, Page - 1], (a, o) => a + o)),
        (1, BeyondGuestPhysical),
        (1, Gen.ULong));

    private static readonly Gen<ulong> LoadLength = Gen.Frequency(
        (8, Gen.Const(Page)),
        (3, Gen.ULong[2, 3].Select(p => p * Page)),
        (1, Gen.OneOf(0UL, 0x800UL, 60 * Page)),
        (1, Gen.ULong));

    private static readonly Gen<ulong> Flags = Gen.Frequency((16, Gen.ULong[0, 3]), (1, Gen.ULong[4, 255]), (1, Gen.ULong));

    private static readonly Gen<ulong> RightsMask = Gen.Frequency((6, Gen.ULong[0, 255]), (1, Gen.Const(~0UL)), (1, Gen.ULong));

    private static Gen<Call> Make(Gen<ushort> caller, Hypercall call) => caller.Select(c => Call.Of(c, call));

    private static Gen<Call> Make(Gen<ushort> caller, Hypercall call, Gen<ulong> a0) =>
        Gen.Select(caller, a0, (c, x0) => Call.Of(c, call, x0));

    private static Gen<Call> Make(Gen<ushort> caller, Hypercall call, Gen<ulong> a0, Gen<ulong> a1) =>
        Gen.Select(caller, a0, a1, (c, x0, x1) => Call.Of(c, call, x0, x1));

    private static Gen<Call> Make(Gen<ushort> caller, Hypercall call, Gen<ulong> a0, Gen<ulong> a1, Gen<ulong> a2) =>
        Gen.Select(caller, a0, a1, a2, (c, x0, x1, x2) => Call.Of(c, call, x0, x1, x2));

    private static Gen<Call> Make(Gen<ushort> caller, Hypercall call, Gen<ulong> a0, Gen<ulong> a1, Gen<ulong> a2, Gen<ulong> a3) =>
        Gen.Select(caller, a0, a1, a2, a3, (c, x0, x1, x2, x3) => Call.Of(c, call, x0, x1, x2, x3));

    private static Gen<Call> Make(Gen<ushort> caller, Hypercall call, Gen<ulong> a0, Gen<ulong> a1, Gen<ulong> a2, Gen<ulong> a3, Gen<ulong> a4) =>
        Gen.Select(caller, a0, a1, a2, a3, a4, (c, x0, x1, x2, x3, x4) => Call.Of(c, call, x0, x1, x2, x3, x4));

    public static readonly Gen<Call> Calls = Gen.Frequency(
        (2, Make(Caller, Hypercall.Info, Gen.Frequency((1, Gen.Const(0UL)), (4, Buffer)), Length(InfoRecord.Size))),
        (4, Make(Caller, Hypercall.VmCreate)),
        (2, Make(Caller, Hypercall.VmDestroy, Slot)),
        (8, Make(Caller, Hypercall.MemDonate, Slot, HostAddress, Pages, GuestAddress)),
        (4, Make(Caller, Hypercall.MemReclaim, Slot, GuestAddress, Pages)),
        (5, Make(Caller, Hypercall.VmLoad, Slot, GuestAddress, LoadSource, LoadLength, Flags)),
        (1, Make(Caller, Hypercall.VmFinalize, Slot)),
        (3, Make(Caller, Hypercall.VcpuCreate, Slot)),
        (4, Make(Caller, Hypercall.VcpuSetState, VcpuSlot, StateBuffer, Length(VcpuState.Size))),
        (1, Make(Caller, Hypercall.VcpuRun, VcpuSlot, Buffer, Length(ExitMessage.Size))),
        (2, Make(Caller, Hypercall.VmReport, Slot, Buffer, Length(CvmReport.Size))),
        (5, Make(GuestCaller, Hypercall.MemShare, GuestSlot, GuestAddress, Pages)),
        (5, Make(GuestCaller, Hypercall.MemUnshare, GuestSlot, GuestAddress, Pages)),
        (2, Make(Caller, Hypercall.CapDerive, Slot, RightsMask)),
        // Revoking Dom0's only capability to a VM strands it (nothing can destroy it any more):
        // mostly revoke the derived ones.
        (2, Make(Caller, Hypercall.CapRevoke, Gen.Frequency((1, Slot), (3, Gen.ULong[2, 7])))),
        (1, Gen.Select(Caller, Gen.Frequency((3, Gen.OneOf(0x01UL, 0x1CUL, 0x22UL, 0x999UL)), (1, Gen.ULong)), Slot,
            (c, n, a) => new Call(c, n, a))));

    public static readonly Gen<Dom0Write> Writes = Gen.Select(
        Gen.Frequency((4, BufferFrame), (1, Dom0Frame)), Gen.OneOf(0, 4000), Gen.Frequency((4, Gen.Const(Dom0WriteKind.VcpuState)), (1, Gen.Const(Dom0WriteKind.MalformedVcpuState)), (1, Gen.Const(Dom0WriteKind.Random))),
        Gen.Int, (frame, offset, kind, seed) => new Dom0Write(frame, offset, kind, seed));

    public static readonly Gen<ModelStep> Steps = Gen.Frequency(
        (12, Calls.Select(c => new ModelStep(c, null))),
        (2, Writes.Select(w => new ModelStep(null, w))));

    // Steps that usually succeed and build something to work on: VMs, memory, vCPUs, shared pages,
    // a vCPU state at the start of the last Dom0 frame.
    private static readonly Gen<ModelStep> SetupSteps = Gen.Frequency(
        (3, Gen.Const(new ModelStep(Call.Of(0, Hypercall.VmCreate), null))),
        (3, Gen.Select(Gen.Frequency((3, Gen.Const(0UL)), (1, Gen.Const(1UL))), Gen.ULong[ModelShape.FirstDom0Frame, ModelShape.Frames - 3], Gen.ULong[1, 4], GuestPage,
            (slot, frame, pages, gpa) => new ModelStep(Call.Of(0, Hypercall.MemDonate, slot, frame * Page, pages, gpa), null))),
        (2, Gen.ULong[0, 1].Select(slot => new ModelStep(Call.Of(0, Hypercall.VcpuCreate, slot), null))),
        (1, Gen.Select(GuestPage, Gen.ULong[1, 2], (gpa, pages) => new ModelStep(Call.Of(1, Hypercall.MemShare, 0, gpa, pages), null))),
        (1, Gen.Int.Select(seed => new ModelStep(null, new Dom0Write(ModelShape.Frames - 1, 0, Dom0WriteKind.VcpuState, seed)))),
        (1, Writes.Select(w => new ModelStep(null, w))));

    // A few setup steps, then anything.
    public static readonly Gen<ModelStep[]> Sequences = Gen.Select(SetupSteps.Array[0, 8], Steps.Array[1, 50],
        (setup, rest) => (ModelStep[])[.. setup, .. rest]);
}
