namespace System.Runtime;

// Binds an extern method to a native symbol (the boot stubs) called directly, without transition.
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string entry) { }
    public RuntimeImportAttribute(string lib, string entry) { }
}
