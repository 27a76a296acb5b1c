using System;

namespace Redoubt.Kernel.Platform;

// Log text for each PortReason.
public static class PortReasonNames
{
    public static ReadOnlySpan<byte> Of(PortReason reason) => reason switch
    {
        PortReason.ResetControl => "a CPU reset through the reset control register (port CF9h)"u8,
        PortReason.FastReset => "a fast reset (port 92h, bit 0)"u8,
        PortReason.FastA20Off => "A20 masking (port 92h, bit 1 clear)"u8,
        PortReason.KeyboardReset => "a reset pulse from the keyboard controller (port 64h)"u8,
        PortReason.KeyboardOutputPort => "a write of the keyboard controller's output port (reset and A20 lines, command D1h)"u8,
        PortReason.KeyboardA20Off => "A20 masking through the keyboard controller (command DDh)"u8,
        PortReason.ResetRegister => "a reset through the ACPI reset register"u8,
        PortReason.SleepS5 => "power-off (ACPI S5)"u8,
        PortReason.SleepS3 => "suspend to RAM (ACPI S3): Redoubt has no sleep path yet"u8,
        PortReason.SleepOther => "an ACPI sleep state other than S5: Redoubt has no sleep path yet"u8,
        PortReason.S4BiosRequest => "an S4BIOS request (the firmware would save all memory to disk)"u8,
        _ => "nothing"u8,
    };
}
