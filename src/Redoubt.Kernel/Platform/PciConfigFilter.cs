namespace Redoubt.Kernel.Platform;

// Dom0's PCI configuration accesses, through ports CF8h/CFCh or ECAM alike (docs/dom0.md, "PCI
// configuration"). Rules, in order:
// 1. An access is 1, 2 or 4 bytes, naturally aligned, inside the function's 4 KiB.
// 2. A function of class 0806h (an IOMMU) is absent: reads all ones, writes dropped.
// 3. Chipset registers that would move the ECAM window or the PM1 blocks, or re-route physical
//    memory, keep their values: the q35 host bridge's PCIEXBAR (8086:29C0, 60h-67h), SMRAM and
//    ESMRAMC (9Ch-9Fh), TOUUD and TOLUD (A8h-B3h); the ICH9 LPC bridge's PMBASE and ACPI_CNTL
//    (8086:2918, 40h-47h) and RCBA (F0h-F3h: its 16 KiB window lies over RAM in QEMU); PIIX4's
//    PMBA (8086:7113, 40h-43h); every register from 40h up of an AMD northbridge function (bus
//    0, device 18h: the DRAM, MMIO and configuration maps). In extended configuration space,
//    the registers of SR-IOV and Resizable BAR capabilities (VF BARs and enable, BAR sizes).
//    An MSI capability's message data keeps a delivery mode of fixed or lowest priority: SMI,
//    NMI, INIT and ExtINT are Redoubt's to send (MSI-X tables live in BARs: the IOMMU's
//    interrupt remapping covers those).
// 4. While a function's memory decoding is on (command bit 1), a write to a memory BAR (either
//    half of a 64-bit one, any width), to an enabled expansion ROM BAR, or to a bridge's memory
//    or prefetchable window (base, limit, upper halves) must leave what it decodes where
//    IDecodePolicy allows, at all ones too (an OS sizes BARs with decoding off, where every
//    write passes); a window whose base is above its limit is disabled. A CardBus bridge
//    (header type 2) may not change its BARs and windows, nor turn decoding on.
// 5. Turning memory decoding on (command bit 1 from 0 to 1) requires the same of every memory
//    BAR, enabled ROM and window the function has then.
// 6. Everything else passes unchanged. I/O BARs and windows are not checked: Redoubt keeps no
//    port a device could take (its ports are intercepted at the CPU).
// The size of a BAR is learned by sizing it (all ones, read, restore) at the moment of the
// check, as an OS does; a decision depends only on the registers as the hardware holds them
// then, never on anything Redoubt remembers.
public static class PciConfigFilter
{
    public const int FunctionSize = 4096;
    private const int Command = 0x04, ClassRevision = 0x08, HeaderType = 0x0C, FirstBar = 0x10;
    private const int Type0Rom = 0x30, Type1Rom = 0x38, MemoryWindow = 0x20, PrefetchWindow = 0x24, PrefetchBaseUpper = 0x28, PrefetchLimitUpper = 0x2C;
    private const uint MemoryEnable = 1 << 1, IommuClass = 0x0806, RomEnable = 1, RomAddressMask = 0xFFFF_F800;
    // Chipset registers that move what Redoubt mediates, by vendor and device ID: the q35 host
    // bridge's PCIEXBAR (the ECAM window), the ICH9 LPC bridge's PMBASE and ACPI_CNTL and the
    // PIIX4 power-management function's PMBA (the PM1 blocks would move to ports Redoubt does
    // not intercept).
    private const uint Q35HostBridge = 0x29C0_8086, Ich9Lpc = 0x2918_8086, Piix4Pm = 0x7113_8086;
    private const uint AmdVendor = 0x1022, AmdNorthbridgeDevice = 0x18;
    private const int ExtendedStart = 0x100;
    private const uint SriovId = 0x0010, ResizableBarId = 0x0015, VfResizableBarId = 0x0024;
    // Status bit 4 (in the Command dword's upper half): a capability list at 34h.
    private const uint CapabilityListPresent = 1u << 20, MsiId = 0x05, Msi64BitAddress = 1u << 23;
    private const int CapabilityPointer = 0x34;

    public static PciVerdict Read<TConfig>(ref TConfig config, uint function, int offset, int size, out PciRule rule)
        where TConfig : struct, IPciConfig
    {
        rule = PciRule.None;
        if (!WellFormed(offset, size))
        {
            rule = PciRule.BadAccess;
            return PciVerdict.Refuse;
        }
        if (IsHidden(ref config, function))
        {
            rule = PciRule.HiddenFunction;
            return PciVerdict.Hide;
        }
        return PciVerdict.Allow;
    }

    public static PciVerdict Write<TConfig, TPolicy>(ref TConfig config, in TPolicy policy, uint function, int offset, int size, uint value, out PciRule rule)
        where TConfig : struct, IPciConfig
        where TPolicy : struct, IDecodePolicy
    {
        PciVerdict verdict = Read(ref config, function, offset, size, out rule);
        if (verdict != PciVerdict.Allow)
            return verdict;
        int dword = offset & ~3;
        uint current = config.Read(function, dword);
        uint next = Merge(current, offset & 3, size, value);
        rule = Check(ref config, policy, function, dword, current, next);
        return rule == PciRule.None ? PciVerdict.Allow : PciVerdict.Refuse;
    }

    private static PciRule KeptRegister(uint function, uint vendorDevice, int dword) => vendorDevice switch
    {
        Q35HostBridge when dword is 0x60 or 0x64 => PciRule.EcamBase,
        Q35HostBridge when dword is 0x9C or 0xA8 or 0xAC or 0xB0 => PciRule.ChipsetMap,
        Ich9Lpc when dword is 0x40 or 0x44 => PciRule.PmBase,
        Ich9Lpc when dword == 0xF0 => PciRule.ChipsetMap,
        Piix4Pm when dword == 0x40 => PciRule.PmBase,
        _ when (vendorDevice & 0xFFFF) == AmdVendor && function >> 3 == AmdNorthbridgeDevice => PciRule.ChipsetMap,
        _ => PciRule.None,
    };

    // Whether dword (100h or above) lies in an SR-IOV or (VF) Resizable BAR capability of the
    // function's extended list, walked from 100h (at most 64 entries, each header's next offset
    // dword-aligned and above 100h, so a looping or broken list ends).
    private static bool InPlacingCapability<TConfig>(ref TConfig config, uint function, int dword)
        where TConfig : struct, IPciConfig
    {
        int at = ExtendedStart;
        for (int hops = 0; hops < 64 && at >= ExtendedStart && at < FunctionSize; hops++)
        {
            uint header = config.Read(function, at);
            if (header == 0 || header == uint.MaxValue)
                return false;
            int length = (header & 0xFFFF) switch { SriovId => 0x40, ResizableBarId or VfResizableBarId => 0x34, _ => 0 };
            if (dword >= at && dword < at + length)
                return true;
            at = (int)(header >> 20) & 0xFFC;
        }
        return false;
    }

    // The dword holding the message data of the function's MSI capability (its low 16 bits), or
    // -1. The list is walked from 34h (at most 48 entries, each pointer dword-aligned within
    // 40h-FFh, so a looping or broken list ends); only headers of type 0 and 1 have it there.
    private static int MsiDataDword<TConfig>(ref TConfig config, uint function)
        where TConfig : struct, IPciConfig
    {
        if ((config.Read(function, Command) & CapabilityListPresent) == 0 || (config.Read(function, HeaderType) >> 16 & 0x7F) > 1)
            return -1;
        int at = (int)config.Read(function, CapabilityPointer) & 0xFC;
        for (int hops = 0; hops < 48 && at >= 0x40; hops++)
        {
            uint header = config.Read(function, at);
            if ((header & 0xFF) == MsiId)
                return at + ((header & Msi64BitAddress) != 0 ? 0x0C : 0x08);
            at = (int)(header >> 8) & 0xFC;
        }
        return -1;
    }

    // Message data whose delivery mode (bits 10:8) is fixed (0) or lowest priority (1).
    private static bool IsOrdinaryDelivery(uint data) => (data >> 8 & 7) <= 1;

    // The dword after a write of size bytes of value at byte within it.
    public static uint Merge(uint current, int byteOffset, int size, uint value)
    {
        uint mask = size == 4 ? uint.MaxValue : ((1u << (8 * size)) - 1) << (8 * byteOffset);
        return (current & ~mask) | ((value << (8 * byteOffset)) & mask);
    }

    private static bool WellFormed(int offset, int size) =>
        (size == 1 || size == 2 || size == 4) && offset >= 0 && offset % size == 0 && offset + size <= FunctionSize;

    private static bool IsHidden<TConfig>(ref TConfig config, uint function)
        where TConfig : struct, IPciConfig =>
        config.Read(function, ClassRevision) >> 16 == IommuClass;

    private static PciRule Check<TConfig, TPolicy>(ref TConfig config, in TPolicy policy, uint function, int dword, uint current, uint next)
        where TConfig : struct, IPciConfig
        where TPolicy : struct, IDecodePolicy
    {
        if (dword >= 0x40)
        {
            if (next == current)
                return PciRule.None;
            if (dword >= ExtendedStart)
                return InPlacingCapability(ref config, function, dword) ? PciRule.ExtendedCapability : PciRule.None;
            PciRule kept = KeptRegister(function, config.Read(function, 0), dword);
            return kept != PciRule.None || dword != MsiDataDword(ref config, function) || IsOrdinaryDelivery(next) ? kept : PciRule.MsiDeliveryMode;
        }
        uint headerType = config.Read(function, HeaderType) >> 16 & 0x7F;
        bool bridge = headerType == 1;
        bool decoding = (config.Read(function, Command) & MemoryEnable) != 0;
        if (headerType == 2 && (dword == Command ? !decoding && (next & MemoryEnable) != 0 : decoding && dword >= FirstBar))
            return PciRule.CardBus;
        if (dword == Command)
            return decoding || (next & MemoryEnable) == 0 || AllDecodersAllowed(ref config, policy, function, bridge) ? PciRule.None : PciRule.Command;
        if (!decoding)
            return PciRule.None;
        int bars = bridge ? 2 : 6;
        if (dword >= FirstBar && dword < FirstBar + 4 * bars)
            return BarAllowed(ref config, policy, function, (dword - FirstBar) / 4, bars, next) ? PciRule.None : PciRule.Bar;
        if (dword == (bridge ? Type1Rom : Type0Rom))
            return RomAllowed(ref config, policy, function, dword, next) ? PciRule.None : PciRule.RomBar;
        if (bridge && dword >= MemoryWindow && dword <= PrefetchLimitUpper)
            return WindowAllowed(ref config, policy, function, dword, next) ? PciRule.None : PciRule.BridgeWindow;
        return PciRule.None;
    }

    // Every memory BAR, an enabled ROM and a bridge's windows, as they are now.
    private static bool AllDecodersAllowed<TConfig, TPolicy>(ref TConfig config, in TPolicy policy, uint function, bool bridge)
        where TConfig : struct, IPciConfig
        where TPolicy : struct, IDecodePolicy
    {
        int bars = bridge ? 2 : 6;
        for (int bar = 0; bar < bars; bar++)
        {
            uint low = config.Read(function, FirstBar + 4 * bar);
            if (!BarAllowed(ref config, policy, function, bar, bars, low))
                return false;
            if ((low & 7) == 4)
                bar++;
        }
        int rom = bridge ? Type1Rom : Type0Rom;
        return RomAllowed(ref config, policy, function, rom, config.Read(function, rom))
            && (!bridge || (WindowAllowed(ref config, policy, function, MemoryWindow, config.Read(function, MemoryWindow))
                && WindowAllowed(ref config, policy, function, PrefetchWindow, config.Read(function, PrefetchWindow))));
    }

    // BAR index bar gets the dword next: which BAR it belongs to (the upper half of a 64-bit
    // BAR is the one before it), and whether that BAR then decodes where it may.
    private static bool BarAllowed<TConfig, TPolicy>(ref TConfig config, in TPolicy policy, uint function, int bar, int bars, uint next)
        where TConfig : struct, IPciConfig
        where TPolicy : struct, IDecodePolicy
    {
        // Which BARs are 64-bit follows from the read-only type bits, from BAR 0 on.
        int low = 0;
        while (low < bars)
        {
            uint kind = config.Read(function, FirstBar + 4 * low) & 7;
            int width = (kind & 1) == 0 && (kind & 6) == 4 && low + 1 < bars ? 2 : 1;
            if (bar < low + width)
                break;
            low += width;
        }
        // The type bits are read-only: what the BAR is comes from the hardware, never from the
        // value written.
        uint lowCurrent = config.Read(function, FirstBar + 4 * low);
        if ((lowCurrent & 1) != 0)
            return true;
        bool wide = (lowCurrent & 6) == 4 && low + 1 < bars;
        uint lowValue = bar == low ? next : lowCurrent;
        uint highValue = !wide ? 0 : bar == low ? config.Read(function, FirstBar + 4 * low + 4) : next;
        ulong mask = SizeMask(ref config, function, FirstBar + 4 * low, wide);
        if (mask == 0)
            return true;
        ulong @base = (((ulong)highValue << 32) | lowValue) & mask;
        return policy.MayDecode(@base, @base + (mask & (~mask + 1)) - 1);
    }

    private static bool RomAllowed<TConfig, TPolicy>(ref TConfig config, in TPolicy policy, uint function, int rom, uint next)
        where TConfig : struct, IPciConfig
        where TPolicy : struct, IDecodePolicy
    {
        if ((next & RomEnable) == 0)
            return true;
        uint current = config.Read(function, rom);
        config.Write(function, rom, RomAddressMask);
        uint mask = config.Read(function, rom) & RomAddressMask;
        config.Write(function, rom, current);
        if (mask == 0)
            return true;
        ulong @base = next & mask;
        return policy.MayDecode(@base, @base + (mask & (~mask + 1)) - 1);
    }

    // The window dword belongs to (the memory window at 20h, the prefetchable one at 24h-2Ch)
    // after next lands there.
    private static bool WindowAllowed<TConfig, TPolicy>(ref TConfig config, in TPolicy policy, uint function, int dword, uint next)
        where TConfig : struct, IPciConfig
        where TPolicy : struct, IDecodePolicy
    {
        if (dword == MemoryWindow)
        {
            ulong memoryBase = (next & 0xFFF0) << 16, memoryLimit = ((next >> 16 & 0xFFF0) << 16) | 0xF_FFFF;
            return memoryBase > memoryLimit || policy.MayDecode(memoryBase, memoryLimit);
        }
        uint prefetch = dword == PrefetchWindow ? next : config.Read(function, PrefetchWindow);
        uint baseUpper = dword == PrefetchBaseUpper ? next : config.Read(function, PrefetchBaseUpper);
        uint limitUpper = dword == PrefetchLimitUpper ? next : config.Read(function, PrefetchLimitUpper);
        // A 64-bit prefetchable window says so in its low nibble (1), which is read-only.
        bool wide = (config.Read(function, PrefetchWindow) & 0xF) == 1;
        ulong prefetchBase = ((ulong)(prefetch & 0xFFF0) << 16) | (wide ? (ulong)baseUpper << 32 : 0);
        ulong prefetchLimit = ((ulong)(prefetch >> 16 & 0xFFF0) << 16) | 0xF_FFFF | (wide ? (ulong)limitUpper << 32 : 0);
        return prefetchBase > prefetchLimit || policy.MayDecode(prefetchBase, prefetchLimit);
    }

    // The address bits a BAR implements (0: none; its lowest is the size), learned by writing all
    // ones and restoring.
    private static ulong SizeMask<TConfig>(ref TConfig config, uint function, int offset, bool wide)
        where TConfig : struct, IPciConfig
    {
        uint low = config.Read(function, offset);
        config.Write(function, offset, uint.MaxValue);
        ulong mask = config.Read(function, offset) & 0xFFFF_FFF0u;
        config.Write(function, offset, low);
        if (wide)
        {
            uint high = config.Read(function, offset + 4);
            config.Write(function, offset + 4, uint.MaxValue);
            mask |= (ulong)config.Read(function, offset + 4) << 32;
            config.Write(function, offset + 4, high);
        }
        return mask;
    }
}
