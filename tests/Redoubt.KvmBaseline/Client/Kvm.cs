using System;
using System.Runtime.InteropServices;

namespace Redoubt.KvmBaseline;

/// <summary>A failed system call, with its errno.</summary>
internal sealed class KvmException : Exception
{
    public KvmException(string operation, int errno)
        : base($"{operation} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})")
    {
    }

    public KvmException(string message)
        : base(message)
    {
    }
}

/// <summary>The ioctl numbers and structure offsets of linux/kvm.h (x86-64) that the client uses.</summary>
internal static class KvmAbi
{
    public const nuint KVM_GET_API_VERSION = 0xAE00;
    public const nuint KVM_CREATE_VM = 0xAE01;
    public const nuint KVM_GET_VCPU_MMAP_SIZE = 0xAE04;
    public const nuint KVM_GET_SUPPORTED_CPUID = 0xC008AE05; // _IOWR(KVMIO, 0x05, struct kvm_cpuid2)
    public const nuint KVM_CREATE_VCPU = 0xAE41;
    public const nuint KVM_SET_USER_MEMORY_REGION = 0x4020AE46; // _IOW(KVMIO, 0x46, 32 bytes)
    public const nuint KVM_SET_TSS_ADDR = 0xAE47;
    public const nuint KVM_CREATE_IRQCHIP = 0xAE60;
    public const nuint KVM_RUN = 0xAE80;
    public const nuint KVM_GET_REGS = 0x8090AE81; // _IOR(KVMIO, 0x81, struct kvm_regs: 144 bytes)
    public const nuint KVM_SET_REGS = 0x4090AE82;
    public const nuint KVM_GET_SREGS = 0x8138AE83; // _IOR(KVMIO, 0x83, struct kvm_sregs: 312 bytes)
    public const nuint KVM_SET_SREGS = 0x4138AE84;
    public const nuint KVM_SET_CPUID2 = 0x4008AE90; // _IOW(KVMIO, 0x90, struct kvm_cpuid2)

    public const int KVM_API_VERSION = 12;

    public const uint KVM_EXIT_IO = 2;
    public const uint KVM_EXIT_HLT = 5;
    public const uint KVM_EXIT_MMIO = 6;
    public const uint KVM_EXIT_SHUTDOWN = 8;
    public const uint KVM_EXIT_FAIL_ENTRY = 9;
    public const uint KVM_EXIT_INTERNAL_ERROR = 17;

    // struct kvm_run
    public const int RunExitReason = 8;
    public const int RunIoDirection = 32;
    public const int RunIoSize = 33;
    public const int RunIoPort = 34;
    public const int RunIoCount = 36;
    public const int RunIoDataOffset = 40;

    public const int RegsSize = 144;
    public const int SregsSize = 312;
    public const int CpuidEntrySize = 40;
}

/// <summary>struct kvm_regs.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct KvmRegs
{
    public ulong Rax, Rbx, Rcx, Rdx, Rsi, Rdi, Rsp, Rbp;
    public ulong R8, R9, R10, R11, R12, R13, R14, R15;
    public ulong Rip, Rflags;
}

/// <summary>How the client calls ioctl(KVM_RUN): what its own user-space cost per exit includes.</summary>
internal enum RunCall
{
    /// <summary>An ordinary P/Invoke with SetLastError: GC transition and errno save.</summary>
    Plain,

    /// <summary>No SetLastError; errno read only after a failure.</summary>
    NoErrno,

    /// <summary>No SetLastError and no GC transition: closest to a C client's bare ioctl call.</summary>
    NoTransition,
}

/// <summary>
/// One VM with one real-mode vCPU and a small block of guest memory at guest-physical 0, driven
/// straight through /dev/kvm the way a minimal VMM does it.
/// </summary>
internal sealed unsafe class KvmVm : IDisposable
{
    public const ulong MemorySize = 0x10_0000; // 1 MiB: the whole real-mode address space

    private readonly int _vmFd;
    private readonly int _vcpuFd;
    private readonly byte* _memory;
    private readonly byte* _run;

    public bool InKernelIrqchip { get; }

    public int CpuidEntries { get; }

    public KvmVm(int kvmFd, bool inKernelIrqchip, bool setCpuid)
    {
        InKernelIrqchip = inKernelIrqchip;
        _vmFd = Check(Libc.Ioctl(kvmFd, KvmAbi.KVM_CREATE_VM, 0), "KVM_CREATE_VM");

        // Needed on Intel for real mode; harmless (a no-op) on AMD.
        Libc.Ioctl(_vmFd, KvmAbi.KVM_SET_TSS_ADDR, unchecked((nint)0xFFFB_D000));

        if (inKernelIrqchip)
        {
            // PIC, IOAPIC and a LAPIC per vCPU in the kernel, as QEMU uses KVM by default; the
            // PIC's ports (0x20/0x21, 0xa0/0xa1, 0x4d0/0x4d1) are then handled in the kernel.
            Check(Libc.Ioctl(_vmFd, KvmAbi.KVM_CREATE_IRQCHIP, 0), "KVM_CREATE_IRQCHIP");
        }

        _memory = (byte*)Libc.Mmap(null, (nuint)MemorySize, Libc.PROT_READ | Libc.PROT_WRITE,
            Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (_memory == (byte*)-1)
        {
            throw new KvmException("mmap(guest memory)", Marshal.GetLastPInvokeError());
        }

        // struct kvm_userspace_memory_region { u32 slot, flags; u64 guest_phys_addr, memory_size, userspace_addr; }
        ulong* region = stackalloc ulong[4];
        region[0] = 0; // slot 0, flags 0
        region[1] = 0;
        region[2] = MemorySize;
        region[3] = (ulong)_memory;
        Check(Libc.Ioctl(_vmFd, KvmAbi.KVM_SET_USER_MEMORY_REGION, (nint)region), "KVM_SET_USER_MEMORY_REGION");

        _vcpuFd = Check(Libc.Ioctl(_vmFd, KvmAbi.KVM_CREATE_VCPU, 0), "KVM_CREATE_VCPU");
        int runSize = Check(Libc.Ioctl(kvmFd, KvmAbi.KVM_GET_VCPU_MMAP_SIZE, 0), "KVM_GET_VCPU_MMAP_SIZE");
        _run = (byte*)Libc.Mmap(null, (nuint)runSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, _vcpuFd, 0);
        if (_run == (byte*)-1)
        {
            throw new KvmException("mmap(kvm_run)", Marshal.GetLastPInvokeError());
        }

        if (setCpuid)
        {
            CpuidEntries = CopySupportedCpuid(kvmFd);
        }

        // Real mode, CS = 0 so that IP is the guest-physical address of the code.
        byte* sregs = stackalloc byte[KvmAbi.SregsSize];
        Check(Libc.Ioctl(_vcpuFd, KvmAbi.KVM_GET_SREGS, (nint)sregs), "KVM_GET_SREGS");
        *(ulong*)(sregs + 0) = 0;    // cs.base
        *(ushort*)(sregs + 12) = 0;  // cs.selector
        Check(Libc.Ioctl(_vcpuFd, KvmAbi.KVM_SET_SREGS, (nint)sregs), "KVM_SET_SREGS");
    }

    /// <summary>Give the vCPU the CPUID table KVM supports, as every real VMM does (KVM answers CPUID from it).</summary>
    private int CopySupportedCpuid(int kvmFd)
    {
        const int maxEntries = 256;
        int size = 8 + (maxEntries * KvmAbi.CpuidEntrySize);
        byte* cpuid = (byte*)NativeMemory.AllocZeroed((nuint)size);
        try
        {
            *(uint*)cpuid = maxEntries;
            Check(Libc.Ioctl(kvmFd, KvmAbi.KVM_GET_SUPPORTED_CPUID, (nint)cpuid), "KVM_GET_SUPPORTED_CPUID");
            int entries = (int)*(uint*)cpuid;
            Check(Libc.Ioctl(_vcpuFd, KvmAbi.KVM_SET_CPUID2, (nint)cpuid), "KVM_SET_CPUID2");
            return entries;
        }
        finally
        {
            NativeMemory.Free(cpuid);
        }
    }

    public void LoadCode(ulong guestAddress, ReadOnlySpan<byte> code)
    {
        if (guestAddress + (ulong)code.Length > MemorySize)
        {
            throw new ArgumentOutOfRangeException(nameof(guestAddress));
        }

        code.CopyTo(new Span<byte>(_memory + guestAddress, code.Length));
    }

    public KvmRegs GetRegs()
    {
        KvmRegs regs;
        Check(Libc.Ioctl(_vcpuFd, KvmAbi.KVM_GET_REGS, (nint)(&regs)), "KVM_GET_REGS");
        return regs;
    }

    public void SetRegs(KvmRegs regs)
    {
        Check(Libc.Ioctl(_vcpuFd, KvmAbi.KVM_SET_REGS, (nint)(&regs)), "KVM_SET_REGS");
    }

    /// <summary>
    /// KVM_RUN until the guest writes to <paramref name="donePort"/>. Every other exit to user space
    /// must be the expected kind (an OUT to <paramref name="loopPort"/>, or HLT); it is counted and
    /// the vCPU is resumed at once. Returns the number of such user-space exits.
    /// </summary>
    public long RunUntilDone(ushort loopPort, ushort donePort, long maxUserExits, RunCall call)
    {
        long userExits = 0;
        while (true)
        {
            int result = call switch
            {
                RunCall.NoTransition => Libc.IoctlNoTransition(_vcpuFd, KvmAbi.KVM_RUN, 0),
                RunCall.NoErrno => Libc.IoctlNoErrno(_vcpuFd, KvmAbi.KVM_RUN, 0),
                _ => Libc.Ioctl(_vcpuFd, KvmAbi.KVM_RUN, 0),
            };
            if (result < 0)
            {
                int errno = call == RunCall.Plain ? Marshal.GetLastPInvokeError() : Marshal.GetLastSystemError();
                if (errno == Libc.EINTR || errno == Libc.EAGAIN)
                {
                    continue;
                }

                throw new KvmException("KVM_RUN", errno);
            }

            uint reason = *(uint*)(_run + KvmAbi.RunExitReason);
            if (reason == KvmAbi.KVM_EXIT_IO)
            {
                ushort port = *(ushort*)(_run + KvmAbi.RunIoPort);
                if (port == donePort)
                {
                    return userExits;
                }

                if (port != loopPort)
                {
                    throw new KvmException($"unexpected port I/O exit: port 0x{port:x}, direction {_run[KvmAbi.RunIoDirection]}");
                }
            }
            else if (reason != KvmAbi.KVM_EXIT_HLT)
            {
                KvmRegs regs = GetRegs();
                throw new KvmException($"unexpected exit reason {reason} at rip 0x{regs.Rip:x} after {userExits} exits");
            }

            if (++userExits > maxUserExits)
            {
                throw new KvmException($"more than {maxUserExits} user-space exits: the guest loop ran away");
            }
        }
    }

    public void Dispose()
    {
        Libc.Close(_vcpuFd);
        Libc.Close(_vmFd);
    }

    private static int Check(int result, string operation)
    {
        if (result < 0)
        {
            throw new KvmException(operation, Marshal.GetLastPInvokeError());
        }

        return result;
    }
}
