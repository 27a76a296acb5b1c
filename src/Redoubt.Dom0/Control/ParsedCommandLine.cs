namespace Redoubt.Dom0.Control;

// A command line after parsing: the command, or Invalid with the reason.
public readonly record struct ParsedCommandLine(Command Command, string? Error)
{
    public static ParsedCommandLine Of(Command command) => new(command, null);

    public static ParsedCommandLine Refused(string error) => new(Command.Invalid, error);
}
