namespace Redoubt.Kernel.Boot;

// Why LinuxKernelImage.Parse refused a bzImage, in the order it checks. Offsets are those of
// the setup header in the file (Linux boot protocol, "The Real-Mode Kernel Header").
public enum LinuxKernelImageStatus
{
    Success,
    // Shorter than the two sectors (1 KiB) that hold the boot sector and the setup header.
    Truncated,
    // boot_flag (0x1FE) is not 0xAA55.
    BadBootFlag,
    // header (0x202) is not "HdrS": a pre-2.00 zImage, or not a Linux kernel at all.
    BadMagic,
    // version (0x206) is below 2.12, the first protocol with xloadflags and the 64-bit entry.
    ProtocolTooOld,
    // jump (0x200) is not a short forward jump (0xEB, then a positive offset) past the last
    // setup header field Redoubt reads (init_size, ending at 0x264).
    BadHeaderLength,
    // The setup code ((setup_sects + 1) * 512 bytes, setup_sects 0 meaning 4) leaves no
    // protected-mode code in the file.
    SetupOutOfFile,
    // LOADED_HIGH (loadflags, 0x211, bit 0) is clear: a zImage, not a bzImage.
    NotLoadedHigh,
    // XLF_KERNEL_64 (xloadflags, 0x236, bit 0) is clear: no 64-bit entry at load address + 0x200.
    No64BitEntry,
    // relocatable_kernel (0x234) is zero.
    NotRelocatable,
    // kernel_alignment (0x230) is not a power of two of at least 4 KiB, or min_alignment (0x235)
    // asks for more than kernel_alignment.
    BadAlignment,
    // syssize (0x1F4) is zero, or syssize * 16 bytes do not fit in the file after the setup code.
    BadSystemSize,
    // init_size (0x260) is smaller than the protected-mode code the loader copies.
    InitSizeTooSmall,
}
