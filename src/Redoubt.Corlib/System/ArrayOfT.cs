namespace System;

// The compiler's model of T[]: single-dimensional, zero-based arrays derive from it.
internal class Array<T> : Array
{
}
