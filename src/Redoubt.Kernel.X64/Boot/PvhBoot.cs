using Redoubt.Kernel.Boot;

namespace Redoubt.Kernel.X64.Boot;

// Reads the PVH start_info the loader passed in EBX (identity-mapped by the boot stub).
// Safe: the magic and version are checked before any other field is read; the memory map and
// command line are read at the addresses start_info gives, the command line bounded; of the
// module list only the first entry's address and size are read.
internal static unsafe class PvhBoot
{
    public static BootInfo Read(PvhStartInfo* startInfo, out bool valid)
    {
        BootInfo info = new BootInfo(BootPath.Pvh);
        valid = startInfo != null && startInfo->Magic == PvhStartInfo.ExpectedMagic && startInfo->Version >= 1;
        if (!valid)
            return info;
        info.RsdpAddress = startInfo->RsdpAddress;
        PvhMemoryMapEntry* entries = (PvhMemoryMapEntry*)startInfo->MemoryMapAddress;
        for (uint i = 0; i < startInfo->MemoryMapEntries; i++)
            info.Memory.Add(entries[i].Address, entries[i].Size, MemoryKindNames.FromE820(entries[i].Type));
        if (startInfo->ModuleCount != 0 && startInfo->ModuleListAddress != 0)
        {
            // hvm_modlist_entry: paddr, size, cmdline_paddr, reserved (u64 each).
            ulong* module = (ulong*)startInfo->ModuleListAddress;
            info.ModuleBase = module[0];
            info.ModuleLength = module[1];
            info.ModuleSource = module[1] != 0 ? BootModuleSource.PvhModule : BootModuleSource.None;
        }
        byte* commandLine = (byte*)startInfo->CommandLineAddress;
        if (commandLine != null)
        {
            for (int i = 0; commandLine[i] != 0 && i <= BootInfo.CommandLineCapacity; i++)
                info.AppendCommandLine(commandLine[i]);
        }
        return info;
    }
}
