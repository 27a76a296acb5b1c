namespace System.Runtime.InteropServices;

public interface IDynamicInterfaceCastable
{
    // The compiler binds to this helper by name; no Redoubt type implements the interface.
    internal static nint GetDynamicInterfaceImplementation(object instance, nint interfaceType, ushort slot)
    {
        Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
        return 0;
    }

    bool IsInterfaceImplemented(RuntimeTypeHandle interfaceType, bool throwIfNotImplemented);

    RuntimeTypeHandle GetInterfaceImplementation(RuntimeTypeHandle interfaceType);
}
