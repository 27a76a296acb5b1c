namespace Redoubt.Kernel.Boot;

public enum CpioStatus
{
    Success,
    // Next: the cursor is at the TRAILER!!! entry; the archive ends here.
    EndOfArchive,
    // Find: the archive is well formed up to its trailer and holds no entry of that name.
    NotFound,
    // Find: the name is a directory, link, device or other non-regular entry.
    NotRegularFile,
    // Find: the name appears more than once (an extractor would keep the last, a reader of
    // the listing might trust the first: the archive is ambiguous).
    DuplicateName,
    // A header, name or data runs past the end of the archive.
    Truncated,
    // The archive ends at an entry boundary without a TRAILER!!! entry.
    MissingTrailer,
    // A header does not start with "070701" (newc without checksum).
    BadMagic,
    // A header field is not eight hexadecimal digits.
    BadHeader,
    // The name size is below 2 (an empty name and its NUL), the name is not NUL-terminated, or
    // it holds a NUL before its end.
    BadName,
}
