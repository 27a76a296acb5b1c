using System;
using System.Collections.Generic;

namespace Redoubt.Fuzz.Policies;

// The fuzz targets over what the x86-64 image adds to the portable core for Dom0: the MSR
// allow-list, the PCI configuration filter and the platform ports. Each has its corpus in
// corpus-NAME/ beside corpus/ (the hypercall target's), its seeds below, and the same contract
// as FuzzTarget: returns normally or throws FuzzFailure.
public static class PolicyTargets
{
    public static IReadOnlyList<string> Names { get; } = [MsrPolicyTarget.Name, PciConfigTarget.Name, PlatformPortTarget.Name];

    public static bool IsKnown(string name) => name == MsrPolicyTarget.Name || name == PciConfigTarget.Name || name == PlatformPortTarget.Name;

    // Any exception but FuzzFailure is a failure too (the policies must never throw).
    public static void Run(string name, ReadOnlySpan<byte> input)
    {
        try
        {
            switch (name)
            {
                case MsrPolicyTarget.Name:
                    MsrPolicyTarget.Run(input);
                    break;
                case PciConfigTarget.Name:
                    PciConfigTarget.Run(input);
                    break;
                case PlatformPortTarget.Name:
                    PlatformPortTarget.Run(input);
                    break;
                default:
                    throw new ArgumentException($"no fuzz target '{name}'", nameof(name));
            }
        }
        catch (Exception e) when (e is not FuzzFailure and not ArgumentException)
        {
            throw new FuzzFailure($"{name}: threw {e.GetType().Name}: {e.Message}", e);
        }
    }

    // Seeds, written by hand in each target's encoding (see its comments): each reaches a rule.
    public static IEnumerable<(string Name, byte[] Input)> Seeds(string target)
    {
        switch (target)
        {
            case MsrPolicyTarget.Name:
                // Every table entry's four edges, both directions, current 0 and all ones.
                for (int entry = 0; entry < 32; entry++)
                    yield return ($"entry-{entry}", [(byte)(entry * 4), 0, 0x00, 0x01, (byte)(entry * 4 + 1), 1, 0xC1, 0x00, (byte)(entry * 4 + 2), 1, 0x00, 0xC1, (byte)(entry * 4 + 3), 0, 0x00, 0x00]);
                yield return ("map-edges", [0x80, 0, 0, 0, 0x84, 1, 0, 0, 0x88, 0, 0, 0, 0x8B, 1, 0xC1, 0xC1]);
                // WRMSR of PATCH_LOADER (C001_0020h) and of DEBUGCTL (1D9h), raw numbers.
                yield return ("kept-msrs", [0xC0, 0x20, 0x00, 0x01, 0xC0, 1, 0x00, 0x00, 0xC0, 0xD9, 0x01, 0x00, 0x00, 1, 0x01, 0x01]);
                break;
            case PciConfigTarget.Name:
                byte[] sizes = [3, 5, 7, 2];
                // The NIC: decoding off, BAR 0 moved over RAM (allowed), decoding on (refused).
                yield return ("bar-over-ram", [.. sizes, 0x10, 0x00, 0x00, 0x10, 0x01, 0x02, 0x10, 0x00, 0x0C]);
                // The bridge (decoding on): its memory window over RAM, then its prefetchable one.
                yield return ("bridge-windows", [.. sizes, 0x11, 0x05, 0x10, 0x11, 0x06, 0x14, 0x11, 0x07, 0x01]);
                // The IOMMU's BAR written and read; the host bridge's PCIEXBAR rewritten.
                yield return ("iommu-and-host", [.. sizes, 0x12, 0x01, 0x02, 0x16, 0x01, 0x00, 0x13, 0x0B, 0x02, 0x13, 0x0C, 0x01]);
                // Sizing a BAR (all ones) and putting it back; the ROM enabled over the TPM.
                yield return ("sizing-and-rom", [.. sizes, 0x10, 0x01, 0x01, 0x10, 0x01, 0x04, 0x10, 0x09, 0x06, 0x10, 0x09, 0x09]);
                // Three bytes; a misaligned word; a read past the function's end.
                yield return ("malformed", [.. sizes, 0x18, 3, 0x01, 0x01, 0x08, 0x11, 0x09, 0x14, 0xC0, 0xFF, 0x0F, 0x00]);
                break;
            case PlatformPortTarget.Name:
                // q35: PM1a control 604h, status 600h, SMI_CMD B2h with S4BIOS F2h, the reset
                // register CF9h = 0Fh, S3 type 1, S5 type 0. Then writes: port, width, value.
                byte[] q35 = [6, 0, 5, 8, 0xF2, 1, 2, 0x0F, 1, 1, 0, 0];
                yield return ("q35-resets", [.. q35, 2, 0, 0x06, 0, 0, 0, 2, 0, 0x0F, 0, 0, 0, 1, 0, 0x01, 0, 0, 0, 0, 0, 0xFE, 0, 0, 0, 0, 0, 0xD1, 0, 0, 0]);
                yield return ("q35-sleep", [.. q35, 6, 1, 0x00, 0x24, 0, 0, 5, 1, 0x00, 0x80, 0, 0, 8, 0, 0xF2, 0, 0, 0, 6, 1, 0x00, 0x20, 0, 0]);
                yield return ("wide-writes", [.. q35, 3, 2, 0x00, 0x04, 0, 0, 11, 1, 0x00, 0x01, 0, 0, 10, 2, 0x00, 0xFE, 0, 0]);
                break;
            default:
                throw new ArgumentException($"no fuzz target '{target}'", nameof(target));
        }
    }
}
