namespace Redoubt.Kernel.Boot;

// Why LinuxBootParams.Build refused to write a zero page, in the order it checks.
public enum LinuxBootParamsStatus
{
    Success,
    // The destination is not exactly 4096 bytes.
    WrongZeroPageSize,
    // LinuxKernelImage.Parse refused the kernel image.
    BadKernelImage,
    // More than 128 E820 entries (the zero page's e820_table holds 128).
    TooManyE820Entries,
    // An E820 entry has size 0, type 0, or an end past 2^64.
    BadE820Entry,
    // E820 entries are not sorted by address, or two of them overlap.
    E820NotSorted,
    // The kernel address is not a multiple of kernel_alignment.
    KernelMisaligned,
    // [kernel address, + init_size) wraps, or ends above 4 GiB and the kernel lacks
    // XLF_CAN_BE_LOADED_ABOVE_4G.
    KernelOutOfReach,
    // [kernel address, + init_size) does not lie inside one E820 RAM entry.
    KernelNotInRam,
    // The command line is longer than cmdline_size.
    CommandLineTooLong,
    // The command line address is zero (the kernel would take it for a pre-2.02 loader), the
    // command line and its zero wrap, or they end above 4 GiB and the kernel lacks
    // XLF_CAN_BE_LOADED_ABOVE_4G.
    CommandLineOutOfReach,
    // The initrd wraps, or its last byte lies above initrd_addr_max and the kernel lacks
    // XLF_CAN_BE_LOADED_ABOVE_4G.
    RamdiskOutOfReach,
    // The initrd does not lie inside one E820 RAM entry.
    RamdiskNotInRam,
    // Two of kernel (init_size bytes), command line (with its zero) and initrd overlap.
    Overlapping,
}
