namespace Redoubt.Abi;

public enum ObjectType : byte
{
    None = 0,
    Vm = 1,
    Vcpu = 2,
}
