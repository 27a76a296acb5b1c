using System;
using Redoubt.Kernel.Boot;
using Redoubt.Kernel.X64.Boot;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Dom0;

// The machine's CPUs, by APIC ID, from the ACPI MADT the boot path's RSDP leads to. Without a
// usable MADT the machine is taken to have the boot CPU only (logged).
internal static class MachineCpus
{
    public static int Find(BootInfo boot, Span<uint> apicIds)
    {
        var memory = new PhysicalAcpiMemory();
        AcpiStatus status = AcpiTables.FindTable(ref memory, boot.RsdpAddress, AcpiSignature.Madt, out ulong madt, out _);
        int count = 0;
        if (status == AcpiStatus.Success)
            status = AcpiTables.MadtCpus(ref memory, madt, apicIds, out count, out _);
        if (status != AcpiStatus.Success || count == 0)
        {
            Log.Warn("smp"u8).Text("no usable MADT (ACPI status "u8).Decimal((ulong)status).Text("): the boot CPU only"u8).End();
            return 0;
        }
        return count;
    }
}
