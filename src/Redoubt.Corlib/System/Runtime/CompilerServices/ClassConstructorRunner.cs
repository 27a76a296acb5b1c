namespace System.Runtime.CompilerServices;

// Runs a class constructor the first time its statics are touched. The images are
// single-threaded while managed statics are first used (boot CPU only), so no lock.
internal static unsafe class ClassConstructorRunner
{
    private static void* CheckStaticClassConstructionReturnNonGCStaticBase(StaticClassConstructionContext* context, void* nonGcStaticBase)
    {
        EnsureClassConstructorRun(context);
        return nonGcStaticBase;
    }

    private static object CheckStaticClassConstructionReturnGCStaticBase(StaticClassConstructionContext* context, object gcStaticBase)
    {
        EnsureClassConstructorRun(context);
        return gcStaticBase;
    }

    private static void* CheckStaticClassConstructionReturnThreadStaticBase(StaticClassConstructionContext* context, void* threadStaticBase)
    {
        EnsureClassConstructorRun(context);
        return threadStaticBase;
    }

    private static void EnsureClassConstructorRun(StaticClassConstructionContext* context)
    {
        nint constructor = context->cctorMethodAddress;
        if (constructor == 0)
            return;
        // Cleared before the call so a constructor that touches its own statics does not recurse.
        context->cctorMethodAddress = 0;
        ((delegate*<void>)constructor)();
    }
}
