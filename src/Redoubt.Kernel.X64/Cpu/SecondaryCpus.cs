using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.X64.Console;
using Redoubt.Kernel.X64.Paging;

namespace Redoubt.Kernel.X64.Cpu;

// Starts the machine's other CPUs under Redoubt (Intel SDM vol. 3 9.4.4, AMD APM vol. 2 15.29):
// Boot/ap.asm's blob goes to the page Redoubt keeps below 1 MiB (TrampolinePage), mapped
// read+execute; then, one CPU at a time, the mailbox gets that CPU's stack (frames from the
// kernel's own pool, below an unmapped guard page) and index, and the boot CPU sends INIT,
// waits 10 ms, and sends STARTUP (twice if the CPU has not arrived 1 ms later). Each CPU enters
// `entry` on its own stack with its index; it must set Arrived in the mailbox first.
// Invariant: code on a secondary CPU does not allocate (the boot arena is the boot CPU's) and
// takes SpinLock around anything shared.
// Safe: the blob is copied within its page, which the frame layout keeps for Redoubt; the mailbox
// is static storage; the APIC registers are the boot CPU's own, mapped uncached by LocalApic.
internal static unsafe class SecondaryCpus
{
    public const ulong TrampolinePage = 0x8000;
    private const int StackFrames = 8;
    private const int BlobCr3 = 8, BlobMailbox = 16, BlobGdtBase = 58, BlobJump = 72, BlobGdt = 24;

    private static ApMailbox s_mailbox;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtApBlobStart")]
    private static extern ulong BlobStart();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtApBlobEnd")]
    private static extern ulong BlobEnd();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RedoubtApLongModeOffset")]
    private static extern uint LongModeOffset();

    public static ApMailbox* Mailbox
    {
        get
        {
            fixed (ApMailbox* mailbox = &s_mailbox)
                return mailbox;
        }
    }

    // Copies the blob and maps its page read+execute. False (logged) when it cannot.
    public static bool Prepare()
    {
        ulong length = BlobEnd() - BlobStart();
        if (length > 4096 || KernelAddressSpace.Root >= 1UL << 32)
            return Refuse("the start-up blob or the kernel's page tables do not fit the real-mode start"u8);
        var page = new Span<byte>((void*)TrampolinePage, 4096);
        page.Clear();
        new ReadOnlySpan<byte>((void*)BlobStart(), (int)length).CopyTo(page);
        *(ulong*)(TrampolinePage + BlobCr3) = KernelAddressSpace.Root;
        *(ulong*)(TrampolinePage + BlobMailbox) = (ulong)Mailbox;
        *(uint*)(TrampolinePage + BlobGdtBase) = (uint)(TrampolinePage + BlobGdt);
        *(uint*)(TrampolinePage + BlobJump) = (uint)(TrampolinePage + LongModeOffset());
        if (KernelAddressSpace.Table.Protect(TrampolinePage, 4096, PageAttributes.Executable, out _) != MapStatus.Success)
            return Refuse("cannot map the start-up page read+execute"u8);
        Cpu.InvalidatePage(TrampolinePage);
        return Hpet.Start() || Refuse("no HPET to time the INIT and STARTUP sequence"u8);
    }

    // Starts the CPU with this local APIC ID as CPU `index`; true when it arrived.
    public static bool Start(uint apicId, int index, delegate* unmanaged<ulong, void> entry)
    {
        ulong stack = TableFramePool.AllocateContiguous(StackFrames + 1);
        if (stack == 0)
            return Refuse("no kernel frames left for a CPU's stack"u8);
        // The lowest frame is the guard: unmapped, an overflow faults instead of running over.
        KernelAddressSpace.Table.Unmap(stack, 4096, out _);
        Cpu.InvalidatePage(stack);
        ApMailbox* mailbox = Mailbox;
        mailbox->StackTop = stack + (StackFrames + 1) * 4096;
        mailbox->Index = (ulong)index;
        mailbox->Entry = (ulong)entry;
        mailbox->Arrived = 0;
        uint vector = (uint)(TrampolinePage >> 12);
        LocalApic.SendInit(apicId);
        Wait(10_000_000);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            LocalApic.SendStartup(apicId, vector);
            ulong deadline = Hpet.Nanoseconds + 200_000_000;
            while (Hpet.Nanoseconds < deadline)
            {
                if (mailbox->Arrived != 0)
                    return true;
                Cpu.Pause();
            }
        }
        Log.Warn("smp"u8).Text("the CPU with APIC ID "u8).Decimal(apicId).Text(" did not start"u8).End();
        return false;
    }

    private static void Wait(ulong nanoseconds)
    {
        ulong deadline = Hpet.Nanoseconds + nanoseconds;
        while (Hpet.Nanoseconds < deadline)
            Cpu.Pause();
    }

    private static bool Refuse(ReadOnlySpan<byte> reason)
    {
        Log.Error("smp"u8).Text(reason).End();
        return false;
    }
}
