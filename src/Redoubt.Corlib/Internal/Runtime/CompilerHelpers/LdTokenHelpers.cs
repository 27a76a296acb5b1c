using System;

namespace Internal.Runtime.CompilerHelpers;

// The compiler binds ldtoken to these helpers by name.
internal static class LdTokenHelpers
{
    private static unsafe RuntimeTypeHandle GetRuntimeTypeHandle(nint type) => *(RuntimeTypeHandle*)&type;

    private static unsafe RuntimeMethodHandle GetRuntimeMethodHandle(nint method) => *(RuntimeMethodHandle*)&method;

    private static unsafe RuntimeFieldHandle GetRuntimeFieldHandle(nint field) => *(RuntimeFieldHandle*)&field;
}
