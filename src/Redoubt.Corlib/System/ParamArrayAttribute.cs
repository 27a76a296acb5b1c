namespace System;

[AttributeUsage(AttributeTargets.Parameter, Inherited = true)]
public sealed class ParamArrayAttribute : Attribute
{
}
