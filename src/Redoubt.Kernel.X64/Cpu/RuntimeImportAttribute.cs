namespace System.Runtime;

// Marks an extern method the compiler binds to a native symbol of the boot stubs, called
// directly with the target's calling convention (the compiler recognises the attribute by name).
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string entry) { }
}
