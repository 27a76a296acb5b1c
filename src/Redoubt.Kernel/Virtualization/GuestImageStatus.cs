namespace Redoubt.Kernel.Virtualization;

// Why GuestImage.Parse refused an image, in the order it checks.
public enum GuestImageStatus
{
    Success,
    // Shorter than the 64-byte ELF header.
    Truncated,
    // Not "\x7FELF".
    BadMagic,
    // EI_CLASS is not ELFCLASS64.
    NotElf64,
    // EI_DATA is not ELFDATA2LSB.
    NotLittleEndian,
    // EI_VERSION or e_version is not EV_CURRENT (1).
    BadVersion,
    // e_type is not ET_EXEC: relocatable, shared (also position-independent executables) or core.
    NotExecutable,
    // e_machine is not EM_X86_64 (62).
    WrongMachine,
    // e_ehsize is not 64.
    BadHeaderSize,
    // e_phentsize is not 56.
    BadProgramHeaderSize,
    // e_phnum is above GuestImage.MaxProgramHeaders (PN_XNUM included).
    TooManyProgramHeaders,
    // The program header table does not lie inside the file.
    ProgramHeadersOutOfBounds,
    // A PT_INTERP segment: the image needs a dynamic loader.
    NeedsInterpreter,
    // A PT_LOAD's file bytes (p_offset, p_filesz) do not lie inside the file.
    SegmentOutOfFile,
    // A PT_LOAD has p_filesz > p_memsz.
    FileSizeExceedsMemorySize,
    // A PT_LOAD's pages (p_paddr, p_memsz rounded out to pages) wrap or end past the guest's RAM.
    SegmentOutsideRam,
    // Two PT_LOADs share a page.
    OverlappingSegments,
    // No PT_LOAD with a non-zero p_memsz.
    NoLoadableSegments,
    // The caller's span holds fewer GuestSegments than the image has PT_LOADs.
    TooManySegments,
    // e_entry is not inside a PT_LOAD with PF_X.
    EntryNotExecutable,
}
