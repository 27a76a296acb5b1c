namespace Redoubt.Kernel.Boot;

public enum BootPath
{
    Pvh,
    Uefi,
}
