namespace System.Runtime.CompilerServices;

public static class IsVolatile
{
}
