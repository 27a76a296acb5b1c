using System;

namespace Redoubt.Kernel.X64.Boot;

// Reads the boot archive \EFI\redoubt\boot.cpio from the volume the UEFI image was loaded from
// (the ESP), while boot services still run: loaded image -> its device's simple file system ->
// root directory -> the file, read whole into pages of EfiLoaderData, which the kernel keeps
// (the memory map reports them as `loader`: mapped for the kernel, never Dom0's nor the table
// pool's). The result goes into BootInfo as the boot module, as PVH's first module does, so
// nothing downstream knows which path it came from. An absent file is not an error; any other
// failure is recorded (step, EFI status) for KernelMain to log, and boot goes on without it.
// Safe: every pointer dereferenced is one the firmware returned from a call that reported
// success (protocol interfaces, file handles, allocated pages), read at offsets the UEFI
// specification fixes; the file data is written only into the pages allocated for it, at most
// their size; GUIDs, the file info and the status words live on this method's stack.
internal static unsafe class EspFile
{
    // EFI_BOOT_SERVICES (UEFI 2.10, 4.4): AllocatePages and FreePages (7.2, Memory Allocation
    // Services), HandleProtocol (7.3, Protocol Handler Services); after the 24-byte table header,
    // RaiseTPL and RestoreTPL, one 8-byte pointer each.
    private const int BootServicesAllocatePages = 40, BootServicesFreePages = 48, BootServicesHandleProtocol = 152;

    // EFI_LOADED_IMAGE_PROTOCOL (9.1): UINT32 Revision (padded to 8), ParentHandle, SystemTable,
    // then DeviceHandle, the device the image was loaded from.
    private const int LoadedImageDeviceHandle = 24;

    // EFI_SIMPLE_FILE_SYSTEM_PROTOCOL (13.4): UINT64 Revision, then OpenVolume.
    private const int FileSystemOpenVolume = 8;

    // EFI_FILE_PROTOCOL (13.5): UINT64 Revision, then Open, Close, Delete, Read, Write,
    // GetPosition, SetPosition, GetInfo.
    private const int FileOpen = 8, FileClose = 16, FileRead = 32, FileGetInfo = 64;

    // EFI_FILE_INFO (13.5.16): UINT64 Size, FileSize, PhysicalSize, three 16-byte EFI_TIMEs,
    // UINT64 Attribute, then the CHAR16 file name.
    private const int FileInfoFileSize = 8, FileInfoAttribute = 72, FileInfoNameOffset = 80;

    // EFI_FILE_MODE_READ, EFI_FILE_DIRECTORY (13.5.2); AllocateAnyPages (EFI_ALLOCATE_TYPE) and
    // EfiLoaderData (EFI_MEMORY_TYPE) (7.2).
    private const ulong FileModeRead = 1, FileAttributeDirectory = 0x10;
    private const uint AllocateAnyPages = 0, EfiLoaderData = 2;

    // EFI_STATUS (Appendix D): errors have the top bit set.
    private const ulong Success = 0, NotFound = 0x800000000000000E, BadBufferSize = 0x8000000000000004,
        EndOfFile = 0x800000000000001F;

    // EFI_LOADED_IMAGE_PROTOCOL_GUID 5b1b31a1-9562-11d2-8e3f-00a0c969723b,
    // EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID 964e5b22-6459-11d2-8e39-00a0c969723b,
    // EFI_FILE_INFO_ID 09576e92-6d3f-11d2-8e39-00a0c969723b: each as two little-endian words
    // (Data1, Data2, Data3, then the 8 bytes of Data4).
    private const ulong LoadedImageGuidLow = 0x11d295625b1b31a1, LoadedImageGuidHigh = 0x3b7269c9a0003f8e;
    private const ulong FileSystemGuidLow = 0x11d26459964e5b22, FileSystemGuidHigh = 0x3b7269c9a000398e;
    private const ulong FileInfoGuidLow = 0x11d26d3f09576e92, FileInfoGuidHigh = 0x3b7269c9a000398e;

    // A sane cap: the archive (Dom0's kernel and initramfs, the test guests) is tens of MiB.
    public const ulong MaxBytes = 512UL << 20;

    // Reads go in 1 MiB pieces: some firmware file systems have failed on one large read (the
    // Linux EFI stub reads its initrd in such pieces for this reason).
    private const ulong ReadPiece = 1UL << 20;

    private const ulong PageSize = 4096;

    // The file's path, as the log prints it and as the CHAR16 string (with its NUL) Open takes.
    public static ReadOnlySpan<byte> PathText => "\\EFI\\redoubt\\boot.cpio"u8;

    private static readonly char[] s_path = Utf16(PathText);

    public static void Read(nint imageHandle, byte* bootServices, BootInfo info)
    {
        var handleProtocol = (delegate* unmanaged<nint, ulong*, byte**, ulong>)*(nint*)(bootServices + BootServicesHandleProtocol);
        ulong* guid = stackalloc ulong[2];

        byte* loadedImage = null;
        SetGuid(guid, LoadedImageGuidLow, LoadedImageGuidHigh);
        ulong status = handleProtocol(imageHandle, guid, &loadedImage);
        if (status != Success || loadedImage == null)
        {
            Fail(info, EspReadStep.LoadedImage, status);
            return;
        }

        byte* fileSystem = null;
        SetGuid(guid, FileSystemGuidLow, FileSystemGuidHigh);
        status = handleProtocol(*(nint*)(loadedImage + LoadedImageDeviceHandle), guid, &fileSystem);
        if (status != Success || fileSystem == null)
        {
            Fail(info, EspReadStep.FileSystem, status);
            return;
        }

        byte* root = null;
        var openVolume = (delegate* unmanaged<byte*, byte**, ulong>)*(nint*)(fileSystem + FileSystemOpenVolume);
        status = openVolume(fileSystem, &root);
        if (status != Success || root == null)
        {
            Fail(info, EspReadStep.OpenVolume, status);
            return;
        }

        byte* file = null;
        var open = (delegate* unmanaged<byte*, byte**, char*, ulong, ulong, ulong>)*(nint*)(root + FileOpen);
        fixed (char* path = s_path)
            status = open(root, &file, path, FileModeRead, 0);
        if (status == NotFound)
        {
            Close(root);
            return;
        }
        if (status != Success || file == null)
        {
            Fail(info, EspReadStep.Open, status);
            Close(root);
            return;
        }
        ReadOpenFile(bootServices, file, info);
        Close(file);
        Close(root);
    }

    private static void ReadOpenFile(byte* bootServices, byte* file, BootInfo info)
    {
        // EFI_FILE_INFO for a short name fits easily: the fixed part and up to 88 CHAR16s.
        const int InfoWords = 32;
        ulong* fileInfo = stackalloc ulong[InfoWords];
        ulong* guid = stackalloc ulong[2];
        SetGuid(guid, FileInfoGuidLow, FileInfoGuidHigh);
        ulong infoSize = InfoWords * sizeof(ulong);
        var getInfo = (delegate* unmanaged<byte*, ulong*, ulong*, byte*, ulong>)*(nint*)(file + FileGetInfo);
        ulong status = getInfo(file, guid, &infoSize, (byte*)fileInfo);
        if (status != Success || infoSize < FileInfoNameOffset)
        {
            Fail(info, EspReadStep.GetInfo, status);
            return;
        }
        ulong size = *(ulong*)((byte*)fileInfo + FileInfoFileSize);
        info.EspFileSize = size;
        if ((*(ulong*)((byte*)fileInfo + FileInfoAttribute) & FileAttributeDirectory) != 0)
        {
            Fail(info, EspReadStep.NotAFile, Success);
            return;
        }
        if (size == 0 || size > MaxBytes)
        {
            Fail(info, size == 0 ? EspReadStep.Empty : EspReadStep.TooLarge, Success);
            return;
        }

        var allocatePages = (delegate* unmanaged<uint, uint, ulong, ulong*, ulong>)*(nint*)(bootServices + BootServicesAllocatePages);
        var freePages = (delegate* unmanaged<ulong, ulong, ulong>)*(nint*)(bootServices + BootServicesFreePages);
        ulong pages = (size + PageSize - 1) / PageSize;
        ulong buffer = 0;
        status = allocatePages(AllocateAnyPages, EfiLoaderData, pages, &buffer);
        if (status != Success || buffer == 0)
        {
            Fail(info, EspReadStep.AllocatePages, status);
            return;
        }

        var read = (delegate* unmanaged<byte*, ulong*, byte*, ulong>)*(nint*)(file + FileRead);
        for (ulong done = 0; done < size;)
        {
            ulong piece = size - done < ReadPiece ? size - done : ReadPiece;
            ulong asked = piece;
            status = read(file, &piece, (byte*)(buffer + done));
            // Read writes at most `asked` bytes at buffer + done, and done + asked <= size, inside
            // the pages. Returning nothing (the file shrank) or more than asked is an error.
            if (status == Success && (piece == 0 || piece > asked))
                status = piece == 0 ? EndOfFile : BadBufferSize;
            if (status != Success)
            {
                freePages(buffer, pages);
                Fail(info, EspReadStep.Read, status);
                return;
            }
            done += piece;
        }
        info.ModuleBase = buffer;
        info.ModuleLength = size;
        info.ModuleSource = BootModuleSource.EspFile;
    }

    // EFI_FILE_PROTOCOL.Close always succeeds (13.5.3).
    private static void Close(byte* file) => ((delegate* unmanaged<byte*, ulong>)*(nint*)(file + FileClose))(file);

    private static void SetGuid(ulong* guid, ulong low, ulong high)
    {
        guid[0] = low;
        guid[1] = high;
    }

    private static void Fail(BootInfo info, EspReadStep step, ulong status)
    {
        info.EspFailedStep = step;
        info.EspStatus = status;
    }

    private static char[] Utf16(ReadOnlySpan<byte> ascii)
    {
        var text = new char[ascii.Length + 1];
        for (int i = 0; i < ascii.Length; i++)
            text[i] = (char)ascii[i];
        return text;
    }
}
