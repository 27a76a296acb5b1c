using System.Runtime.InteropServices;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64;

internal static unsafe class Entry
{
    [UnmanagedCallersOnly(EntryPoint = "RedoubtPvhMain")]
    private static void PvhMain(nint startInfo)
    {
        SerialPort.Initialize(SerialPort.Com1);
        foreach (byte b in "Redoubt hello\n"u8)
            SerialPort.Write(SerialPort.Com1, b);
        Cpu.Cpu.OutByte(0xf4, 0x10);
        Cpu.Cpu.HaltForever();
    }

    [UnmanagedCallersOnly(EntryPoint = "RedoubtUefiMain")]
    private static ulong UefiMain(nint imageHandle, nint systemTable)
    {
        SerialPort.Initialize(SerialPort.Com1);
        foreach (byte b in "Redoubt hello uefi\n"u8)
            SerialPort.Write(SerialPort.Com1, b);
        Cpu.Cpu.OutByte(0xf4, 0x10);
        Cpu.Cpu.HaltForever();
        return 0;
    }

    [UnmanagedCallersOnly(EntryPoint = "RedoubtRuntimeFailure")]
    private static void RuntimeFailure(int kind, ulong rip, nint exception)
    {
        Cpu.Cpu.HaltForever();
    }

    [UnmanagedCallersOnly(EntryPoint = "RedoubtTrap")]
    private static void Trap(nint frame)
    {
        Cpu.Cpu.HaltForever();
    }
}
