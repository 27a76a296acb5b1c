using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using Redoubt.Dom0.Control;
using Redoubt.Dom0.Native;
using Xunit;

namespace Redoubt.Dom0.Tests;

// redoubtctl's copy of the driver's ioctl interface (DriverAbi, BufferCallRequest) against the one
// C definition, src/Redoubt.Dom0/Driver/redoubt_ioctl.h: a small C program includes the header,
// gcc compiles it (as the build does for the driver and the probe), and its figures must be ours.
public class DriverAbiTests
{
    private static readonly Lazy<Dictionary<string, ulong>> s_header = new(CompileHeader);

    private static Dictionary<string, ulong> CompileHeader()
    {
        string header = Path.Combine(DocumentTests.Root(), "src", "Redoubt.Dom0", "Driver", "redoubt_ioctl.h");
        string dir = Path.Combine(Path.GetTempPath(), $"redoubt-driver-abi-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string source = Path.Combine(dir, "abi.c"), program = Path.Combine(dir, "abi");
            File.WriteAllText(source, $$"""
                #include <stddef.h>
                #include <stdio.h>
                #include "{{header}}"
                #define SHOW(x) printf(#x " %llu\n", (unsigned long long)(x))
                int main(void)
                {
                    SHOW(REDOUBT_IOCTL_TYPE);
                    SHOW(REDOUBT_IOCTL_HYPERCALL);
                    SHOW(REDOUBT_IOCTL_BUFFER_CALL);
                    SHOW(REDOUBT_IOCTL_DONATE);
                    SHOW(REDOUBT_IOCTL_RECLAIM);
                    SHOW(REDOUBT_IOCTL_DESTROY);
                    SHOW(REDOUBT_BUFFER_MAX);
                    SHOW(REDOUBT_DONATE_MAX);
                    SHOW(sizeof(struct redoubt_hypercall));
                    SHOW(offsetof(struct redoubt_hypercall, out));
                    SHOW(sizeof(struct redoubt_buffer_call));
                    SHOW(offsetof(struct redoubt_buffer_call, buffer));
                    SHOW(offsetof(struct redoubt_buffer_call, length));
                    SHOW(sizeof(struct redoubt_memory));
                    SHOW(offsetof(struct redoubt_memory, status));
                    printf("REDOUBT_DEVICE_IS_DEV_REDOUBT %d\n", __builtin_strcmp(REDOUBT_DEVICE, "/dev/redoubt") == 0);
                    return 0;
                }
                """);
            Run("gcc", "-Wall", "-Werror", "-o", program, source);
            var values = new Dictionary<string, ulong>();
            foreach (string line in Run(program).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int space = line.LastIndexOf(' ');
                values[line[..space]] = ulong.Parse(line[(space + 1)..]);
            }
            return values;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed ({process.ExitCode}): {errors}");
        return output;
    }

    private static ulong C(string name) => s_header.Value[name];

    [Fact]
    public void TheRequestNumbersAreTheHeaders()
    {
        Assert.Equal(DriverAbi.IoctlType, C("REDOUBT_IOCTL_TYPE"));
        Assert.Equal(DriverAbi.IoctlHypercall, C("REDOUBT_IOCTL_HYPERCALL"));
        Assert.Equal(DriverAbi.IoctlBufferCall, C("REDOUBT_IOCTL_BUFFER_CALL"));
        Assert.Equal(DriverAbi.IoctlDonate, C("REDOUBT_IOCTL_DONATE"));
        Assert.Equal(DriverAbi.IoctlReclaim, C("REDOUBT_IOCTL_RECLAIM"));
        Assert.Equal(DriverAbi.IoctlDestroy, C("REDOUBT_IOCTL_DESTROY"));
    }

    [Fact]
    public void TheLimitsAndTheDevicePathAreTheHeaders()
    {
        Assert.Equal(DriverAbi.BufferMax, C("REDOUBT_BUFFER_MAX"));
        Assert.Equal(DriverAbi.DonateMax, C("REDOUBT_DONATE_MAX"));
        Assert.Equal(1UL, C("REDOUBT_DEVICE_IS_DEV_REDOUBT"));
        Assert.Equal("/dev/redoubt", DriverAbi.DevicePath);
    }

    [Fact]
    public void TheLayoutsAreTheHeaders()
    {
        Assert.Equal((ulong)DriverAbi.HypercallSize, C("sizeof(struct redoubt_hypercall)"));
        Assert.Equal(56UL, C("offsetof(struct redoubt_hypercall, out)"));
        Assert.Equal((ulong)DriverAbi.BufferCallSize, C("sizeof(struct redoubt_buffer_call)"));
        Assert.Equal((ulong)DriverAbi.BufferCallBufferOffset, C("offsetof(struct redoubt_buffer_call, buffer)"));
        Assert.Equal((ulong)DriverAbi.BufferCallLengthOffset, C("offsetof(struct redoubt_buffer_call, length)"));
        Assert.Equal((ulong)DriverAbi.MemorySize, C("sizeof(struct redoubt_memory)"));
        Assert.Equal(24UL, C("offsetof(struct redoubt_memory, status)"));
    }

    [Fact]
    public void RedoubtctlsRequestIsTheHeadersBufferCall()
    {
        Assert.Equal(DriverAbi.BufferCallSize, Unsafe.SizeOf<BufferCallRequest>());
        var request = new BufferCallRequest();
        Assert.Equal(56, (int)Unsafe.ByteOffset(ref Unsafe.As<BufferCallRequest, byte>(ref request), ref Unsafe.As<ulong, byte>(ref request.OutRax)));
        Assert.Equal(DriverAbi.BufferCallBufferOffset, (int)Unsafe.ByteOffset(ref Unsafe.As<BufferCallRequest, byte>(ref request), ref Unsafe.As<ulong, byte>(ref request.Buffer)));
        Assert.Equal(DriverAbi.BufferCallLengthOffset, (int)Unsafe.ByteOffset(ref Unsafe.As<BufferCallRequest, byte>(ref request), ref Unsafe.As<ulong, byte>(ref request.Length)));
    }

    [Fact]
    public void WithoutTheDriverOpeningSaysSo()
    {
        // The host has no /dev/redoubt: the message the user sees names the missing driver.
        if (File.Exists(DriverAbi.DevicePath))
            return;
        Assert.False(RedoubtDevice.TryOpen(out RedoubtDevice? device, out string? error));
        Assert.Null(device);
        Assert.StartsWith("/dev/redoubt is missing: Redoubt's driver (redoubt.ko) is not loaded", error);
    }
}
