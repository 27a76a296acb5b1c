using System;
using Redoubt.Kernel.Platform;
using Redoubt.Kernel.X64.Console;

namespace Redoubt.Kernel.X64.Dom0;

// Dom0's I/O permission map (AMD APM vol. 2 15.10.1): a set bit intercepts.
// Ports: only Redoubt's own are intercepted, its log UART (COM2, 2F8h-2FFh) and QEMU's
// isa-debug-exit (F4h-F7h, through which Redoubt reports a test's end); every other port
// reaches the device, except the platform controls Redoubt mediates (PlatformPortPolicy: reset,
// sleep, A20, PCI configuration; Dom0Ports carries out what is allowed). MSRs: Dom0MsrPolicy.
internal static class Dom0Permissions
{
    public const ushort DebugExitPort = 0xF4, DebugExitPorts = 4;

    public static bool IsKeptPort(ushort port) =>
        (port >= SerialPort.Com2 && port < SerialPort.Com2 + SerialPort.PortCount)
        || (port >= DebugExitPort && port < DebugExitPort + DebugExitPorts);

    public static void FillIoMap(Span<byte> map, PlatformPortPolicy? mediated)
    {
        map.Clear();
        for (int port = 0; port <= 0xFFFF; port++)
        {
            if (IsKeptPort((ushort)port) || (mediated is not null && mediated.IsMediated((ushort)port)))
                map[port / 8] |= (byte)(1 << (port % 8));
        }
        // An access of several bytes is checked against every port it touches, the last one up
        // to three past FFFFh: those bits (the map's 12th KiB) stay clear.
    }
}
