namespace Redoubt.Kernel.Platform;

// What Redoubt does with an access of Dom0's to a port it mediates (PlatformPortPolicy).
public enum PortAction : byte
{
    // Carried out on the hardware as Dom0 asked.
    PassThrough,
    // Not carried out (an IN reads all ones); logged.
    Refuse,
    // Dom0 asked for a reset through the FADT's reset register: Redoubt scrubs and resets.
    Reset,
    // Dom0 asked for S5: Redoubt scrubs and powers off.
    PowerOff,
    // A sleep state Redoubt does not enter: not carried out, logged; Dom0 is told it woke.
    RefuseSleep,
}
