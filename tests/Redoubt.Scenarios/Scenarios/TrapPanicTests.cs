using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Scenarios that end in a CPU exception: a `trap` panic naming the reason, the rip of
/// the faulting instruction (and for page faults the faulting address), then a register dump.</summary>
[Collection(TrapPanicCollection.Name)]
public sealed class TrapPanicTests(RedoubtImages images)
{
    private const string Hex = ScenarioAssert.Hex;

    /// <summary>The reason line each scenario must print (docs/console-protocol.md, Panics).</summary>
    private static readonly Dictionary<string, string> Reasons = new()
    {
        ["write-readonly"] = $@"^page fault \(write to a read-only page\) at address (?<address>{Hex}), rip=(?<rip>{Hex}), error code {Hex}$",
        ["null-dereference"] = $@"^null dereference \(page fault near address 0\) at address (?<address>{Hex}), rip=(?<rip>{Hex}), error code {Hex}$",
        ["stack-overflow"] = $@"^stack overflow \(page fault in a stack guard page\) at address (?<address>{Hex}), rip=(?<rip>{Hex}), error code {Hex}$",
        ["divide-by-zero"] = $@"^divide by zero \(vector 0\), rip=(?<rip>{Hex}), error code {Hex}$",
    };

    private static readonly string[] Registers =
    [
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
        "rip", "rflags", "cs", "ss", "cr0", "cr2", "cr3", "cr4",
    ];

    public static TheoryData<string, BootPath> Scenarios()
    {
        var data = new TheoryData<string, BootPath>();
        foreach (string scenario in Reasons.Keys)
        {
            data.Add(scenario, BootPath.Pvh);
            data.Add(scenario, BootPath.Uefi);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_panics_with_its_reason_rip_and_address(string scenario, BootPath path)
    {
        QemuResult run = await images.BootAsync(path, scenario);

        ScenarioAssert.ScenarioStartedBeforePanic(run, scenario);
        ScenarioAssert.Panic(run, "trap", Reasons[scenario], scenario);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Trap_panic_dumps_the_registers_of_the_fault(string scenario, BootPath path)
    {
        QemuResult run = await images.BootAsync(path, scenario);
        Match reason = ScenarioAssert.Panic(run, "trap", Reasons[scenario], scenario);

        LogLine[] dumpLines = run.Log.Find("PANIC", "registers").ToArray();
        ScenarioAssert.True(run, dumpLines.Length == 6, $"six `[PANIC] registers:` lines, but there are {dumpLines.Length}.");
        string dump = string.Join(' ', dumpLines.Select(l => l.Message));
        foreach (string register in Registers)
        {
            ScenarioAssert.True(run, Regex.IsMatch(dump, $@"\b{register}={Hex}\b"),
                $"`{register}=0x<16 hex digits>` in the `[PANIC] registers:` lines.");
        }
        string rip = reason.Groups["rip"].Value;
        ScenarioAssert.True(run, Regex.IsMatch(dump, $@"\brip={rip}\b"),
            $"the dumped rip to be the faulting rip {rip} named in `[PANIC] trap:`.");
        if (reason.Groups["address"].Success)
        {
            string address = reason.Groups["address"].Value;
            ScenarioAssert.True(run, Regex.IsMatch(dump, $@"\bcr2={address}\b"),
                $"the dumped cr2 to be the faulting address {address} named in `[PANIC] trap:`.");
        }
    }
}
