using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace Redoubt.Kernel.Tests.Model;

// What a user of the hypercall interface can tell after one step, rendered the same way from
// the kernel and from the reference model: the call's status and result registers, the frame
// counts, VM and vCPU objects, capability spaces, and every visible frame with its content.
public sealed class Observation
{
    public required string Step { get; init; }
    public required string Outcome { get; init; }
    public required string Counts { get; init; }
    public required string[] Objects { get; init; }
    public required FrameView[] Frames { get; init; }
    // Set by the kernel side only: a broken invariant, or a failed call that changed state.
    public string? Violation { get; init; }

    // The differences from what the model predicted, or null when there are none.
    public string? Diff(Observation predicted)
    {
        var text = new StringBuilder();
        if (Violation is not null)
            text.Append("\n  violation: ").Append(Violation);
        if (Outcome != predicted.Outcome)
            text.Append("\n  outcome: kernel ").Append(Outcome).Append(", model ").Append(predicted.Outcome);
        if (Counts != predicted.Counts)
            text.Append("\n  frame counts: kernel ").Append(Counts).Append(", model ").Append(predicted.Counts);
        for (int i = 0; i < Math.Max(Objects.Length, predicted.Objects.Length); i++)
        {
            string kernel = i < Objects.Length ? Objects[i] : "-", model = i < predicted.Objects.Length ? predicted.Objects[i] : "-";
            if (kernel != model)
                text.Append("\n  kernel ").Append(kernel).Append("\n  model  ").Append(model);
        }
        var modelFrames = new Dictionary<ulong, FrameView>();
        foreach (FrameView frame in predicted.Frames)
            modelFrames[frame.Frame] = frame;
        foreach (FrameView frame in Frames)
        {
            if (!modelFrames.Remove(frame.Frame, out FrameView expected))
                text.Append("\n  kernel ").Append(frame).Append(", model: not visible");
            else if (frame != expected)
                text.Append("\n  kernel ").Append(frame).Append("\n  model  ").Append(expected);
        }
        foreach (FrameView expected in modelFrames.Values)
            text.Append("\n  model ").Append(expected).Append(", kernel: not visible");
        return text.Length == 0 ? null : text.ToString();
    }

    // 0 for an all-zero page, else the first 8 bytes of its SHA-256 (never 0 in practice).
    public static ulong HashContent(ReadOnlySpan<byte> content)
    {
        if (content.IndexOfAnyExcept((byte)0) < 0)
            return 0;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(content, hash);
        return BitConverter.ToUInt64(hash) | 1;
    }

    public static string Hex(ReadOnlySpan<byte> bytes, int count = 8) => Convert.ToHexString(bytes.Slice(0, Math.Min(count, bytes.Length)));

    public static string Capability(int slot, string type, int objectIndex, uint generation, ulong rights, int parent) =>
        $"{slot}:{type}#{objectIndex}/gen {generation}/rights 0x{rights:X}/parent {parent}";
}
