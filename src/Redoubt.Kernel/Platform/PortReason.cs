namespace Redoubt.Kernel.Platform;

// Why PlatformPortPolicy decided as it did; PortReasonNames gives the log text.
public enum PortReason : byte
{
    None,
    ResetControl,
    FastReset,
    FastA20Off,
    KeyboardReset,
    KeyboardOutputPort,
    KeyboardA20Off,
    ResetRegister,
    SleepS5,
    SleepS3,
    SleepOther,
    S4BiosRequest,
}
