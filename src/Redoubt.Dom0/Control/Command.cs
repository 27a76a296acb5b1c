namespace Redoubt.Dom0.Control;

// The commands redoubtctl knows; Invalid is a command line it refuses.
public enum Command
{
    Invalid,
    Help,
    Info,
}
