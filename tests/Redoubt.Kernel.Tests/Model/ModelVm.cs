using System.Collections.Generic;
using System.Security.Cryptography;
using Redoubt.Kernel.Objects;

namespace Redoubt.Kernel.Tests.Model;

public sealed class ModelVm
{
    public ModelVm(ushort domain, int slots)
    {
        Domain = domain;
        Capabilities = new ModelCapability[slots];
    }

    public ushort Domain { get; }
    public VmState State;
    public uint Generation;
    public int VcpuCount;
    // Guest page -> frame, for every page mapped in the VM's nested table.
    public readonly Dictionary<ulong, ulong> Pages = new();
    // Guest pages VmLoad left read-only (PageMeasureFlags.ReadOnly); the others are writable.
    public readonly HashSet<ulong> ReadOnlyPages = new();
    // The nested tables below the root, as (level, index of the region one covers): a table of
    // level 3 per 512 GiB, 2 per GiB, 1 per 2 MiB touched since creation (emptied tables stay).
    public readonly HashSet<(int Level, ulong Region)> Tables = new();
    // SHA-384 over the launch measurement records so far (docs/spec/measurement.md).
    public IncrementalHash? Measurement;
    public byte[] LaunchDigest = new byte[48];
    public readonly ModelCapability[] Capabilities;

    public int TableFrames => 1 + Tables.Count;
}
