namespace System.Runtime.CompilerServices;

// Layout is a contract with the compiler: it precedes the non-GC statics of a type with a
// class constructor; zero means the constructor has run.
internal struct StaticClassConstructionContext
{
    public nint cctorMethodAddress;
}
