using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Redoubt.KvmBaseline;

/// <summary>
/// The KVM baseline of `redoubt bench exits`. Default mode runs inside the emulated machine
/// (Linux with kvm_amd) and prints one JSON line per guest loop; `summarize` runs on the host
/// and folds a wall-clock run and an icount run into one summary line.
/// </summary>
internal static unsafe class Program
{
    private const string Usage =
        "usage: kvm-baseline [--iterations N] [--warmup N] [--config LABEL] [--kinds k1,k2] [--no-cpuid-table]\n" +
        "                    [--run-call plain|no-errno|no-transition]   (default no-transition)\n" +
        "       kvm-baseline summarize --wall FILE --icount FILE [--iterations N] [--kernel VERSION] [--run-seconds S]\n" +
        "kinds: " + "loop, pio, cpuid, hlt, vmmcall, pio_kernel";

    private static int Main(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] == "summarize")
            {
                return Summary.Run(ParseOptions(args.Skip(1).ToArray()));
            }

            return RunLoops(ParseOptions(args));
        }
        catch (ArgumentException e) when (e.Message == "help")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"kvm-baseline: {e.Message}\n{Usage}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"kvm-baseline: {e.Message}");
            Console.WriteLine(Json.Object(w =>
            {
                w.WriteString("kind", "error");
                w.WriteString("error", e.Message);
            }));
            return 1;
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            string name = arg.Substring(2);
            if (name is "no-cpuid-table" or "help")
            {
                options[name] = "true";
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{arg} needs a value");
            }

            options[name] = args[++i];
        }

        if (options.ContainsKey("help"))
        {
            throw new ArgumentException("help");
        }

        return options;
    }

    internal static long LongOption(Dictionary<string, string> options, string name, long fallback, long min, long max)
    {
        if (!options.TryGetValue(name, out string? text))
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
        {
            throw new ArgumentException($"--{name} must be an integer in [{min}, {max}], not '{text}'");
        }

        return value;
    }

    private static int RunLoops(Dictionary<string, string> options)
    {
        // ESI counts the iterations: 32 bits, and at least one iteration.
        long iterations = LongOption(options, "iterations", 20_000, 1, uint.MaxValue);
        long warmup = LongOption(options, "warmup", 1_000, 0, uint.MaxValue);
        string config = options.TryGetValue("config", out string? label) ? label : "unknown";
        bool setCpuid = !options.ContainsKey("no-cpuid-table");
        IReadOnlyList<GuestLoop> loops = SelectLoops(options);
        RunCall runCall = (options.TryGetValue("run-call", out string? call) ? call : "no-transition") switch
        {
            "plain" => RunCall.Plain,
            "no-errno" => RunCall.NoErrno,
            "no-transition" => RunCall.NoTransition,
            string other => throw new ArgumentException($"--run-call: unknown value '{other}'"),
        };

        int kvmFd;
        fixed (byte* path = "/dev/kvm\0"u8)
        {
            kvmFd = Libc.Open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        }

        if (kvmFd < 0)
        {
            throw new KvmException("open(/dev/kvm)", Marshal.GetLastPInvokeError());
        }

        int api = Libc.Ioctl(kvmFd, KvmAbi.KVM_GET_API_VERSION, 0);
        if (api != KvmAbi.KVM_API_VERSION)
        {
            throw new KvmException($"KVM_GET_API_VERSION returned {api}, expected {KvmAbi.KVM_API_VERSION}");
        }

        KvmVm? plain = null;
        KvmVm? withIrqchip = null;
        var results = new List<Result>();
        int failures = 0;
        try
        {
            foreach (GuestLoop loop in loops)
            {
                try
                {
                    KvmVm vm = loop.NeedsIrqchip
                        ? withIrqchip ??= new KvmVm(kvmFd, inKernelIrqchip: true, setCpuid)
                        : plain ??= new KvmVm(kvmFd, inKernelIrqchip: false, setCpuid);

                    if (warmup > 0)
                    {
                        Measure(vm, loop, warmup, runCall); // faults in the pages and the caches; not reported
                    }

                    Result result = Measure(vm, loop, iterations, runCall);
                    results.Add(result);
                    Console.WriteLine(result.ToJson(config, setCpuid, results.FirstOrDefault(r => r.Loop.Kind == "loop"), runCall));
                }
                catch (KvmException e)
                {
                    failures++;
                    Console.WriteLine(Json.Object(w =>
                    {
                        w.WriteString("kind", loop.Kind);
                        w.WriteString("config", config);
                        w.WriteString("error", e.Message);
                    }));
                }
            }

            // The floors, picked from what was measured.
            PrintFloor("null", "cheapest exit that returns to user space", results.Where(r => r.Loop.Handler == ExitHandler.User), config, setCpuid, runCall, results);
            PrintFloor("null_kernel", "cheapest exit that KVM handles in the kernel", results.Where(r => r.Loop.Handler == ExitHandler.Kernel), config, setCpuid, runCall, results);
        }
        finally
        {
            plain?.Dispose();
            withIrqchip?.Dispose();
            Libc.Close(kvmFd);
        }

        return failures == 0 ? 0 : 1;
    }

    private static void PrintFloor(string kind, string meaning, IEnumerable<Result> candidates, string config, bool setCpuid, RunCall runCall, List<Result> all)
    {
        Result? floor = candidates.OrderBy(r => r.NsPerIteration).FirstOrDefault();
        if (floor is null)
        {
            return;
        }

        Console.WriteLine(floor.ToJson(config, setCpuid, all.FirstOrDefault(r => r.Loop.Kind == "loop"), runCall, kind, meaning));
    }

    private static IReadOnlyList<GuestLoop> SelectLoops(Dictionary<string, string> options)
    {
        if (!options.TryGetValue("kinds", out string? list))
        {
            return GuestLoop.All;
        }

        var wanted = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string kind in wanted)
        {
            if (GuestLoop.All.All(l => l.Kind != kind))
            {
                throw new ArgumentException($"unknown kind '{kind}'");
            }
        }

        return GuestLoop.All.Where(l => wanted.Contains(l.Kind)).ToArray();
    }

    private static Result Measure(KvmVm vm, GuestLoop loop, long iterations, RunCall runCall)
    {
        vm.LoadCode(GuestLoop.CodeAddress, loop.Code);
        vm.SetRegs(new KvmRegs { Rip = GuestLoop.CodeAddress, Rflags = 0x2, Rsi = (ulong)iterations });
        long expectedUserExits = loop.Handler == ExitHandler.User ? iterations : 0;

        long start = Libc.MonotonicNanoseconds();
        long userExits = vm.RunUntilDone(GuestLoop.LoopPort, GuestLoop.DonePort, expectedUserExits, runCall);
        long end = Libc.MonotonicNanoseconds();

        KvmRegs regs = vm.GetRegs();
        if (userExits != expectedUserExits)
        {
            throw new KvmException($"{loop.Kind}: {userExits} user-space exits, expected {expectedUserExits}");
        }

        if ((regs.Rsi & 0xFFFF_FFFF) != 0 || regs.Rip != loop.EndRip)
        {
            throw new KvmException($"{loop.Kind}: loop did not finish as written (esi 0x{regs.Rsi:x}, rip 0x{regs.Rip:x}, expected rip 0x{loop.EndRip:x})");
        }

        if (loop.Kind == "vmmcall" && (regs.Rax & 0xFFFF_FFFF) != GuestLoop.KvmEnosys32)
        {
            throw new KvmException($"vmmcall: eax 0x{regs.Rax:x}, expected -KVM_ENOSYS (0x{GuestLoop.KvmEnosys32:x}): was the hypercall handled?");
        }

        if (loop.Kind == "cpuid" && vm.CpuidEntries > 0 && (regs.Rax & 0xFFFF_FFFF) == 0)
        {
            throw new KvmException("cpuid: leaf 0 returned eax 0 although a CPUID table was set");
        }

        return new Result(loop, iterations, end - start, userExits, vm);
    }

    private sealed class Result
    {
        public Result(GuestLoop loop, long iterations, long ns, long userExits, KvmVm vm)
        {
            Loop = loop;
            Iterations = iterations;
            Ns = ns;
            UserExits = userExits;
            InKernelIrqchip = vm.InKernelIrqchip;
        }

        public GuestLoop Loop { get; }

        public long Iterations { get; }

        public long Ns { get; }

        public long UserExits { get; }

        public bool InKernelIrqchip { get; }

        public double NsPerIteration => (double)Ns / Iterations;

        public string ToJson(string config, bool setCpuid, Result? pureLoop, RunCall runCall, string? kindOverride = null, string? meaning = null)
        {
            double perSecond = Ns > 0 ? Iterations * 1e9 / Ns : 0;
            return Json.Object(w =>
            {
                w.WriteString("kind", kindOverride ?? Loop.Kind);
                if (kindOverride is not null)
                {
                    w.WriteString("source", Loop.Kind);
                    w.WriteString("meaning", meaning);
                }

                w.WriteString("config", config);
                w.WriteNumber("iterations", Iterations);
                w.WriteNumber("ns", Ns);
                w.WriteNumber("ns_per_exit", Math.Round(NsPerIteration, 1));
                w.WriteNumber("exits_per_sec", Math.Round(perSecond, 0));
                if (pureLoop is not null && Loop.Handler != ExitHandler.None)
                {
                    w.WriteNumber("ns_per_exit_net", Math.Round(NsPerIteration - pureLoop.NsPerIteration, 1));
                }

                w.WriteString("handled", Loop.Handler switch
                {
                    ExitHandler.None => "no exit",
                    ExitHandler.Kernel => "kvm in kernel",
                    _ => "user space",
                });
                w.WriteNumber("user_exits", UserExits);
                w.WriteString("instruction", Loop.Instruction);
                w.WriteBoolean("irqchip", InKernelIrqchip);
                w.WriteBoolean("cpuid_table", setCpuid);
                w.WriteString("run_call", runCall switch
                {
                    RunCall.Plain => "plain",
                    RunCall.NoErrno => "no-errno",
                    _ => "no-transition",
                });
            });
        }
    }
}

/// <summary>Compact one-line JSON through Utf8JsonWriter (no reflection: NativeAOT-safe).</summary>
internal static class Json
{
    public static string Object(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = false,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep '+' and quotes readable
        }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
