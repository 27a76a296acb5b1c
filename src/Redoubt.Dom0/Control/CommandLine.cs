namespace Redoubt.Dom0.Control;

// redoubtctl's command line: one command, no options. No arguments, `help`, `--help` and `-h`
// ask for the usage.
public static class CommandLine
{
    public static ParsedCommandLine Parse(string[] args)
    {
        if (args.Length == 0)
            return ParsedCommandLine.Of(Command.Help);
        Command command = args[0] switch
        {
            "help" or "--help" or "-h" => Command.Help,
            "info" => Command.Info,
            _ => Command.Invalid,
        };
        if (command == Command.Invalid)
            return ParsedCommandLine.Refused($"unknown command '{args[0]}'");
        if (args.Length > 1)
            return ParsedCommandLine.Refused($"'{args[0]}' takes no arguments (got: {string.Join(' ', args, 1, args.Length - 1)})");
        return ParsedCommandLine.Of(command);
    }

    public const string Usage =
        """
        Usage: redoubtctl <command>

        Talks to the Redoubt hypervisor from Dom0, by hypercall through Redoubt's driver
        (/dev/redoubt, from redoubt.ko). Needs root: only root may open /dev/redoubt.

        Commands:
          info    Redoubt's version, CPUs, and who owns the machine's physical memory
                  (free pool, hypervisor, Dom0, guests, page tables), as "key: value" lines.
          help    Show this text (also --help, -h, or no command).

        Exit status: 0 success; 1 failure (not running under Redoubt, no driver, not root, a
        hypercall failed, an inconsistent answer); 2 a bad command line.
        """;
}
