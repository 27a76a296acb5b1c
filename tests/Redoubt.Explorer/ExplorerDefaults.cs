namespace Redoubt.Explorer;

public static class ExplorerDefaults
{
    // Chosen so that a Release run takes one to two minutes on two cores.
    public const int Depth = 5;
}
