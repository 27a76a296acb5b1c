using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.Hypercalls;
using Redoubt.Kernel.Paging;
using Redoubt.Kernel.Virtualization;
using Redoubt.Kernel.X64.Memory;
using Redoubt.Kernel.X64.Paging;
using Redoubt.Kernel.X64.Svm;

namespace Redoubt.Kernel.X64.Dom0;

// A FADT reset register in memory space. Its page is left out of Dom0's nested table
// (Dom0Devices), so every access there arrives here: a store of the FADT's reset value to the
// register is Dom0's reboot request (scrub, then reset: PlatformPower); every other plain load
// or store of the page is carried out by Redoubt through its own uncached mapping, so the other
// registers that share the page keep working. Other instructions are refused by the caller.
// Safe: the page is mapped uncached in the kernel's address space (Map) before Dom0 runs, and
// only addresses inside it are touched; v is the exiting vCPU's own VMCB.
internal static unsafe class Dom0ResetRegister
{
    private const ulong Page = 4096, EferLongModeActive = 1UL << 10;

    private static ulong s_page;

    public static bool Map()
    {
        AcpiPlatform platform = Dom0Platform.Platform;
        if (!platform.ResetSupported || platform.ResetSpace != AcpiPlatform.SpaceMemory)
            return true;
        ulong page = platform.ResetAddress & ~(Page - 1);
        if (KernelAddressSpace.Table.Lookup(page, out _) == 0
            && KernelAddressSpace.Table.Map(page, page, Page, PageAttributes.Writable | PageAttributes.Uncached) != MapStatus.Success)
            return false;
        s_page = page;
        return true;
    }

    public static bool IsResetPage(ulong physical) => s_page != 0 && physical >> 12 == s_page >> 12;

    public static bool Access(KernelCore<RangePhysicalMemory> core, SvmVcpu dom0, byte* v, ulong physical)
    {
        bool longMode = (*(ulong*)(v + Vmcb.Efer) & EferLongModeActive) != 0 && (*(ushort*)(v + Vmcb.Cs + 2) & Vmcb.AttributeLong) != 0;
        bool operand32 = (*(ushort*)(v + Vmcb.Cs + 2) & (1 << 10)) != 0;
        Span<byte> code = new Span<byte>(dom0.CodeScratch);
        code = code.Slice(0, Dom0Runner.FetchCode(core, v, code, longMode));
        if (MmioInstruction.Decode(code, longMode, operand32, out MmioAccess access) != MmioDecodeStatus.Success
            || access.Kind is not (MmioAccessKind.Read or MmioAccessKind.Write or MmioAccessKind.WriteImmediate)
            || (physical & (Page - 1)) + access.Size > Page)
            return false;
        byte* at = (byte*)physical;
        if (access.Kind == MmioAccessKind.Read)
        {
            ulong value = access.Size switch { 1 => *at, 2 => *(ushort*)at, 4 => *(uint*)at, _ => *(ulong*)at };
            GuestRegisters.WriteSized(dom0, v, access.Register, value, access.RegisterSize, access.HighByte);
        }
        else
        {
            ulong value = access.Kind == MmioAccessKind.WriteImmediate ? access.Immediate
                : GuestRegisters.Read(dom0, v, access.Register) >> (access.HighByte ? 8 : 0);
            AcpiPlatform platform = Dom0Platform.Platform;
            ulong reset = platform.ResetAddress;
            if (reset >= physical && reset < physical + access.Size && (byte)(value >> (int)(8 * (reset - physical))) == platform.ResetValue)
                PlatformPower.Reset("a reset through the ACPI reset register"u8);
            if (access.Size == 1)
                *at = (byte)value;
            else if (access.Size == 2)
                *(ushort*)at = (ushort)value;
            else if (access.Size == 4)
                *(uint*)at = (uint)value;
            else
                *(ulong*)at = value;
        }
        *(ulong*)(v + Vmcb.Rip) += access.Length;
        return true;
    }
}
