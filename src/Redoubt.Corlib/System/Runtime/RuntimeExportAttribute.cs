namespace System.Runtime;

// Exports a method under a fixed symbol name for the compiler's generated code and the boot stubs.
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class RuntimeExportAttribute : Attribute
{
    public RuntimeExportAttribute(string entry) { }
}
