namespace Redoubt.Kernel.Platform;

// PCI configuration space as PciConfigFilter reads it and sizes BARs through it: aligned dwords
// of a function (bus << 8 | device << 3 | function). The kernel implements it over ECAM or
// ports CF8h/CFCh; host tests over a model of devices.
public interface IPciConfig
{
    uint Read(uint function, int offset);

    void Write(uint function, int offset, uint value);
}
