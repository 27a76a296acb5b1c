using System;
using Redoubt.Kernel.Virtualization;

namespace Redoubt.Kernel.Boot;

// The register windows of the devices whose tables HideTables hides, decoded before anything
// is changed: Dom0 must not map them. Tables of other signatures give no window.
// Not covered: the TPM device object in the DSDT (its _CRS names the same registers; Redoubt
// does not interpret AML) and the CRB command and response buffers of a firmware TPM, whose
// addresses live in its control area rather than in a table.
public static partial class AcpiTables
{
    private const ulong PageSize = 4096;

    // DMAR (Intel VT-d spec rev 3+, 8.1): Host Address Width at 36, Flags at 37, Reserved to
    // 47; remapping structures from 48, each Type (u16) at 0 and Length (u16) at 2 (8.2).
    private const int DmarFirstStructure = 48, DmarStructureHeader = 4;
    // DRHD (8.3): Type 0, Flags at 4, Size at 5 (bits 3:0: the register set is 2^Size 4 KiB
    // pages; bits 7:4 reserved), Segment at 6, Register Base Address (u64) at 8; 16 bytes
    // before its device scopes.
    private const ushort DrhdType = 0;
    private const int DrhdSize = 16, DrhdSizeField = 5, DrhdRegisterBase = 8;
    private const byte DrhdSizeMask = 0x0F;

    // IVRS (AMD IOMMU spec 48882 rev 3, 5.2.1): IVinfo at 36, Reserved to 47; I/O
    // virtualization definition blocks from 48, each Type (u8) at 0, Flags at 1 and Length
    // (u16) at 2.
    private const int IvrsFirstBlock = 48, IvrsBlockHeader = 4;
    // IVHD (5.2.2.1): types 10h (24-byte header), 11h and 40h (40-byte header), IOMMU Base
    // Address (u64) at 8. IVMD blocks (20h-22h) and unknown types are stepped over.
    private const byte IvhdType10 = 0x10, IvhdType11 = 0x11, IvhdType40 = 0x40;
    private const int Ivhd10Size = 24, Ivhd11Size = 40, IvhdBase = 8;
    // The IOMMU's MMIO registers take 512 KiB from its base: control and status registers, then
    // the performance counter banks up to 7_FFFFh (AMD IOMMU spec 3.4; Linux's
    // MMIO_REG_END_OFFSET).
    private const ulong AmdIommuWindow = 0x8_0000;

    // TPM2 (TCG ACPI spec, "TPM2 ACPI Table"): Platform Class (u16) at 36, Reserved at 38,
    // Address of CRB Control Area (u64) at 40, Start Method (u32) at 48; 52 bytes before the
    // start method's parameters.
    private const int Tpm2ControlArea = 40, Tpm2StartMethod = 48, Tpm2MinimumLength = 52;
    // Start methods: 6 FIFO (TIS) interface, 7 Command Response Buffer.
    private const uint StartMethodFifo = 6, StartMethodCrb = 7;
    // The CRB control area (TCG PC Client PTP, CRB interface): Request, Status, Cancel, Start,
    // Interrupt Control (u64), Command Size, Command Address (u64), Response Size, Response
    // Address (u64).
    private const ulong CrbControlAreaSize = 0x30;
    // A PC TPM's registers: localities 0-4, 4 KiB each, from FED4_0000h (TCG PC Client PTP,
    // "TPM Locality Address Space"; the same range for TIS 1.2, so for TCPA's TPM 1.2 too).
    private const ulong PtpBase = 0xFED4_0000, PtpLength = 0x5000;

    private static AcpiStatus AddWindows<TMemory>(ref TMemory memory, AcpiHiddenTable table, Span<AcpiRegisterWindow> windows, ref int count)
        where TMemory : struct, IAcpiMemory => table.Signature switch
        {
            AcpiSignature.Dmar => DmarWindows(ref memory, table, windows, ref count),
            AcpiSignature.Ivrs => IvrsWindows(ref memory, table, windows, ref count),
            AcpiSignature.Tpm2 => Tpm2Windows(ref memory, table, windows, ref count),
            AcpiSignature.Tcpa => AddWindow(windows, ref count, new AcpiRegisterWindow(AcpiSignature.Tcpa, PtpBase, PtpLength)),
            _ => AcpiStatus.Success,
        };

    // Each DRHD's register set. Each step advances by at least 4 bytes within the table.
    private static AcpiStatus DmarWindows<TMemory>(ref TMemory memory, AcpiHiddenTable table, Span<AcpiRegisterWindow> windows, ref int count)
        where TMemory : struct, IAcpiMemory
    {
        if (table.Length < DmarFirstStructure)
            return AcpiStatus.BadTableLength;
        Span<byte> structure = stackalloc byte[DrhdSize];
        for (uint offset = DmarFirstStructure; offset < table.Length;)
        {
            uint left = table.Length - offset;
            if (left < DmarStructureHeader)
                return AcpiStatus.BadDmarEntry;
            if (!TryRead(ref memory, table.Address + offset, structure.Slice(0, DmarStructureHeader)))
                return AcpiStatus.TableUnreadable;
            ushort type = LittleEndian.ReadUInt16(structure, 0);
            ushort length = LittleEndian.ReadUInt16(structure, 2);
            if (length < DmarStructureHeader || length > left)
                return AcpiStatus.BadDmarEntry;
            if (type == DrhdType)
            {
                if (length < DrhdSize)
                    return AcpiStatus.BadDmarEntry;
                if (!TryRead(ref memory, table.Address + offset, structure))
                    return AcpiStatus.TableUnreadable;
                ulong registerBase = LittleEndian.ReadUInt64(structure, DrhdRegisterBase);
                ulong size = PageSize << (structure[DrhdSizeField] & DrhdSizeMask);
                if (registerBase == 0 || registerBase % PageSize != 0 || registerBase > ulong.MaxValue - size)
                    return AcpiStatus.BadDmarEntry;
                AcpiStatus status = AddWindow(windows, ref count, new AcpiRegisterWindow(AcpiSignature.Dmar, registerBase, size));
                if (status != AcpiStatus.Success)
                    return status;
            }
            offset += length;
        }
        return AcpiStatus.Success;
    }

    // Each IVHD's IOMMU registers. Firmware describes one IOMMU with several IVHD types (10h and
    // 11h or 40h) for OSes of different ages; AddWindow keeps their common window once.
    private static AcpiStatus IvrsWindows<TMemory>(ref TMemory memory, AcpiHiddenTable table, Span<AcpiRegisterWindow> windows, ref int count)
        where TMemory : struct, IAcpiMemory
    {
        if (table.Length < IvrsFirstBlock)
            return AcpiStatus.BadTableLength;
        Span<byte> block = stackalloc byte[IvhdBase + 8];
        for (uint offset = IvrsFirstBlock; offset < table.Length;)
        {
            uint left = table.Length - offset;
            if (left < IvrsBlockHeader)
                return AcpiStatus.BadIvrsEntry;
            if (!TryRead(ref memory, table.Address + offset, block.Slice(0, IvrsBlockHeader)))
                return AcpiStatus.TableUnreadable;
            byte type = block[0];
            ushort length = LittleEndian.ReadUInt16(block, 2);
            if (length < IvrsBlockHeader || length > left)
                return AcpiStatus.BadIvrsEntry;
            if (type == IvhdType10 || type == IvhdType11 || type == IvhdType40)
            {
                if (length < (type == IvhdType10 ? Ivhd10Size : Ivhd11Size))
                    return AcpiStatus.BadIvrsEntry;
                if (!TryRead(ref memory, table.Address + offset, block))
                    return AcpiStatus.TableUnreadable;
                ulong iommuBase = LittleEndian.ReadUInt64(block, IvhdBase);
                if (iommuBase == 0 || iommuBase % PageSize != 0 || iommuBase > ulong.MaxValue - AmdIommuWindow)
                    return AcpiStatus.BadIvrsEntry;
                AcpiStatus status = AddWindow(windows, ref count, new AcpiRegisterWindow(AcpiSignature.Ivrs, iommuBase, AmdIommuWindow));
                if (status != AcpiStatus.Success)
                    return status;
            }
            offset += length;
        }
        return AcpiStatus.Success;
    }

    // A FIFO or CRB TPM, or one whose control area lies among the PC TPM's registers, gets the
    // whole locality range; a control area elsewhere (a firmware TPM's, in reserved memory)
    // gets the pages it touches.
    private static AcpiStatus Tpm2Windows<TMemory>(ref TMemory memory, AcpiHiddenTable table, Span<AcpiRegisterWindow> windows, ref int count)
        where TMemory : struct, IAcpiMemory
    {
        if (table.Length < Tpm2MinimumLength)
            return AcpiStatus.BadTableLength;
        Span<byte> fields = stackalloc byte[Tpm2MinimumLength - Tpm2ControlArea];
        if (!TryRead(ref memory, table.Address + Tpm2ControlArea, fields))
            return AcpiStatus.TableUnreadable;
        ulong controlArea = LittleEndian.ReadUInt64(fields, 0);
        uint startMethod = LittleEndian.ReadUInt32(fields, Tpm2StartMethod - Tpm2ControlArea);
        // The pages it touches must end below 2^64.
        if (controlArea > ulong.MaxValue - (CrbControlAreaSize + PageSize - 1))
            return AcpiStatus.BadTpm2ControlArea;

        bool inPtp = controlArea != 0 && controlArea >= PtpBase && controlArea + CrbControlAreaSize <= PtpBase + PtpLength;
        if (startMethod == StartMethodFifo || startMethod == StartMethodCrb || inPtp)
        {
            AcpiStatus status = AddWindow(windows, ref count, new AcpiRegisterWindow(AcpiSignature.Tpm2, PtpBase, PtpLength));
            if (status != AcpiStatus.Success)
                return status;
        }
        if (controlArea == 0 || inPtp)
            return AcpiStatus.Success;
        ulong first = controlArea & ~(PageSize - 1);
        ulong end = (controlArea + CrbControlAreaSize + PageSize - 1) & ~(PageSize - 1);
        return AddWindow(windows, ref count, new AcpiRegisterWindow(AcpiSignature.Tpm2, first, end - first));
    }

    // Appends a window unless the same range is already there (the signature does not matter:
    // a TPM2 and a TCPA table describe the same TPM).
    private static AcpiStatus AddWindow(Span<AcpiRegisterWindow> windows, ref int count, AcpiRegisterWindow window)
    {
        for (int i = 0; i < count; i++)
        {
            if (windows[i].Base == window.Base && windows[i].Length == window.Length)
                return AcpiStatus.Success;
        }
        if (count == windows.Length)
            return AcpiStatus.TooManyWindows;
        windows[count++] = window;
        return AcpiStatus.Success;
    }
}
