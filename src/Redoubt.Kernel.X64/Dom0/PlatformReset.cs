namespace Redoubt.Kernel.X64.Dom0;

// Resets the machine when Dom0 can no longer run (a triple fault): the chipset's reset control
// register (port CF9h: system reset, then full reset, as on PIIX/ICH), then the keyboard
// controller's reset line (FEh to port 64h). Under QEMU with -no-reboot either ends QEMU.
internal static class PlatformReset
{
    public static void Reset()
    {
        Cpu.Cpu.OutByte(0xCF9, 0x02);
        Cpu.Cpu.OutByte(0xCF9, 0x06);
        Cpu.Cpu.OutByte(0x64, 0xFE);
        Cpu.Cpu.HaltForever();
    }
}
