namespace Redoubt.Dom0.Control;

// redoubtctl's exit statuses (docs/redoubtctl.md).
public static class ExitCode
{
    // The command did what was asked.
    public const int Success = 0;
    // It could not: not under Redoubt, not root, a hypercall failed, Redoubt's answer is
    // inconsistent.
    public const int Failure = 1;
    // The command line is wrong; the usage follows on stderr.
    public const int Usage = 2;
}
