using System;

namespace Redoubt.Fuzz;

// What FuzzTarget.Run throws when an input breaks the kernel: the message names the step, the
// call and what went wrong. Uncaught, it is the crash afl-fuzz records.
public sealed class FuzzFailure : Exception
{
    public FuzzFailure(string message, Exception? inner = null) : base(message, inner) { }
}
