using Redoubt.Abi;
using Redoubt.Guests.Hardware;
using Redoubt.Guests.Output;

namespace Redoubt.Guests.Programs;

// TestProgram.ManyExits: as many OUTs to TestPort.PostCode (the null exit) as its argument,
// with a CPUID after every 1000th, then "exits: N done".
internal static class ManyExitsProgram
{
    public static uint Run(uint count)
    {
        for (uint done = 0; done < count;)
        {
            PortIo.OutByte(TestPort.PostCode, 0);
            done++;
            if (done % 1000 == 0)
                Processor.Cpuid(0);
        }
        GuestConsole.Line("exits: "u8).Decimal(count).Text(" done"u8).End();
        return 0;
    }
}
