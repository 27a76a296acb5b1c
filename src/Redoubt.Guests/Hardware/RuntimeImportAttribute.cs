namespace System.Runtime;

// Marks an extern method the compiler binds to a native symbol of Boot/*.asm, called directly
// with the System V calling convention (the compiler recognises the attribute by name; the
// corlib's own copy is internal to it).
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string entry) { }
}
