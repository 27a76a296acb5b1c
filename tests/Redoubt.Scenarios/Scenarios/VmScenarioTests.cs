using System.Linq;
using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>The `vm-*` scenarios: test-kit guests written in C# (src/Redoubt.Guests) run under
/// SVM with nested paging, built from the guest archive by hypercalls and scheduled by the
/// kernel; what they print comes back as `guest: vm N: ...` lines.</summary>
[Collection(SvmCollection.Name)]
public sealed class VmScenarioTests(RedoubtImages images)
{
    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task A_guest_prints_and_sees_the_cpuid_table_without_svm(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "vm-hello");
        ScenarioAssert.Line(run, "INFO", "launch", "^vm 1: testkit.elf, 4 MiB of RAM at host 0x[0-9a-f]{16}, program 1, ", "the launch of the guest");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: hello from a C# guest$", "the guest's greeting through port I/O");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: cpuid: svm=0 hypervisor=1 signature=RedoubtHV$", "CPUID as the table says: no SVM, the hypervisor bit and leaf");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: done, status 0x0{16} \\(passed\\)$", "the guest's own checks passing");
        AssertPassed(run);
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task A_guest_touching_memory_it_does_not_have_is_stopped_and_the_next_runs(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "vm-outside-memory");
        var stopped = ScenarioAssert.LineAndMatch(run, "WARN", "svm",
            "^vm 1 stopped: nested page fault at guest-physical 0x0*401000 \\(read\\), rip 0x[0-9a-f]{16}; the hypervisor and other VMs go on$",
            "the VM stopped on its nested page fault");
        var next = ScenarioAssert.LineAndMatch(run, "INFO", "guest", "^vm 2: done, status 0x0{16} \\(passed\\)$", "the next guest running to the end");
        ScenarioAssert.True(run, next.Line.LineNumber > stopped.Line.LineNumber, "the next guest runs after the stopped one");
        AssertPassed(run);
    }

    [Fact]
    public async Task Without_an_archive_on_the_esp_a_uefi_boot_reads_the_guests_from_fw_cfg()
    {
        QemuResult run = await images.BootUefiWithFwCfgArchiveAsync("vm-hello");
        ScenarioAssert.Line(run, "INFO", "boot", @"^boot archive: none \(no \\EFI\\redoubt\\boot\.cpio on the ESP\)$", "no archive on the ESP, not an error");
        ScenarioAssert.Line(run, "INFO", "launch", "^guest archive at 0x[0-9a-f]{16} \\(\\d+ bytes\\)$", "the fw_cfg archive read into RAM");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: done, status 0x0{16} \\(passed\\)$", "the guest's own checks passing");
        AssertPassed(run);
    }

    [Fact]
    public async Task A_triple_faulting_guest_dies_alone()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-triple-fault");
        ScenarioAssert.Line(run, "WARN", "svm", "^vm 1 died: shutdown \\(triple fault\\) at rip 0x[0-9a-f]{16}; the hypervisor and other VMs go on$", "the VM's death");
        ScenarioAssert.Line(run, "INFO", "scrub", "^vm 1: its vCPU context holds no guest state$", "the dead VM's registers scrubbed");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 2: done, status 0x0{16} \\(passed\\)$", "the next guest running to the end");
        AssertPassed(run);
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task No_vm_finds_another_vms_secret_and_none_reaches_past_its_memory(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "vm-secret");
        // The scan works: over the secret itself it finds every qword.
        var filled = ScenarioAssert.LineAndMatch(run, "INFO", "guest", "^vm 1: secret: filled (\\d+) bytes with pattern 0x5ec2e7ed005ec2e7$", "the secret written");
        ScenarioAssert.Line(run, "INFO", "guest", $"^vm 1: secret: the scan finds {long.Parse(filled.Match.Groups[1].Value) / 8} matches in its own RAM$", "the scan finding the secret where it is");
        // VM 2 (alive beside VM 1) and the VM given VM 1's scrubbed frames find none of it.
        var scans = run.Log.Find("INFO", "guest").Where(l => l.Message.Contains("scan: ")).Select(l => l.Message).ToList();
        ScenarioAssert.True(run, scans.Count(m => System.Text.RegularExpressions.Regex.IsMatch(m, "^vm \\d: scan: 0 matches of pattern 0x5ec2e7ed005ec2e7 in \\d+ bytes$")) == 2,
            "two scans of all RAM, each finding 0 matches");
        ScenarioAssert.Line(run, "INFO", "scenario", "^vm 1 has RAM at host 0x[0-9a-f]{16}: the frames vm 1 had$", "the new VM getting the destroyed VM's frames");
        ScenarioAssert.True(run, run.Log.Find("WARN", "svm").Count(l => l.Message.Contains("stopped: nested page fault at guest-physical 0x0000000000400000")) == 2,
            "both scanners stopped at the first address past their RAM");
        AssertPassed(run);
    }

    [Fact]
    public async Task Two_guests_keep_their_own_sse_and_avx_registers()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-vector");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: vector: 2000 rounds, 0 mismatches, avx=1$", "guest 1's registers intact");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 2: vector: 2000 rounds, 0 mismatches, avx=1$", "guest 2's registers intact");
        var preemptions = ScenarioAssert.LineAndMatch(run, "INFO", "sched", "^round-robin: (\\d+) timer preemptions$", "the interleaving");
        ScenarioAssert.True(run, long.Parse(preemptions.Match.Groups[1].Value) > 0, "the guests were interleaved by the timer");
        ScenarioAssert.Line(run, "INFO", "scrub", "^2 VMs destroyed: no vCPU context holds guest state \\(VMCB, XSAVE area, registers all zero\\)$",
            "no register value of the destroyed VMs left in the hypervisor");
        AssertPassed(run);
    }

    // DR0-DR3 are in no VMCB and TSC_AUX is read by RDTSCP without an exit: the world switch
    // keeps each guest's own. The control: each guest reads back the values it set, round after
    // round, so the probe sees a value where there is one.
    [Fact]
    public async Task Two_guests_keep_their_own_debug_registers_and_tsc_aux_and_start_with_none()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-leftovers");
        foreach (int vm in new[] { 1, 2 })
        {
            ScenarioAssert.Line(run, "INFO", "guest", $"^vm {vm}: leftovers: at start dr0=0x0 dr1=0x0 dr2=0x0 dr3=0x0 tsc_aux=0x0 \\(msr 0x0\\)$",
                $"guest {vm} finding no debug register or TSC_AUX value of another");
            ScenarioAssert.Line(run, "INFO", "guest", $"^vm {vm}: leftovers: set dr0-dr3 to 0x7e00000{vm}0010\\.\\.\\. and tsc_aux to 0x7e00000{vm}$",
                $"guest {vm} setting its own");
            ScenarioAssert.Line(run, "INFO", "guest", $"^vm {vm}: leftovers: 0 inherited, 400 rounds, 0 mismatches$", $"guest {vm} reading its own back every round");
        }
        var preemptions = ScenarioAssert.LineAndMatch(run, "INFO", "sched", "^round-robin: (\\d+) timer preemptions$", "the interleaving");
        ScenarioAssert.True(run, long.Parse(preemptions.Match.Groups[1].Value) > 1, "the guests were interleaved by the timer");
        ScenarioAssert.Line(run, "INFO", "scrub", "^2 VMs destroyed: no vCPU context holds guest state \\(VMCB, XSAVE area, registers all zero\\)$",
            "the destroyed VMs' debug registers and TSC_AUX scrubbed with the rest");
        AssertPassed(run);
    }

    [Fact]
    public async Task A_spinning_guest_does_not_starve_another()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-spin");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 2: count: done$", "the second guest finishing");
        ScenarioAssert.Line(run, "INFO", "scenario", "^vm 1: ended still running, as expected$", "the spinner still spinning");
        AssertPassed(run);
    }

    [Fact]
    public async Task Garbage_in_every_register_of_a_hypercall_gets_an_error_and_the_guest_goes_on()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-garbage-hypercall");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: garbage hypercall: status 0x1, registers preserved$", "UnknownHypercall, every other register kept");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: info hypercall: status 0x0, abi version 0x10000, ", "a valid hypercall afterwards");
        AssertPassed(run);
    }

    [Fact]
    public async Task A_hundred_thousand_exits_leave_the_frame_accounting_unchanged()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-many-exits");
        var accounting = ScenarioAssert.LineAndMatch(run, "INFO", "accounting",
            "^vm 1: (\\d+) exits; frame table unchanged \\(SHA-256 of \\d+ entries before and after\\); 1024 guest frames, \\d+ free$", "the accounting");
        ScenarioAssert.True(run, long.Parse(accounting.Match.Groups[1].Value) >= 100_000, "at least 100,000 exits");
        AssertPassed(run);
    }

    [Fact]
    public async Task Msrs_follow_the_policy_and_a_refused_one_is_a_general_protection_fault()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-msr");
        ScenarioAssert.Line(run, "WARN", "svm", "^vm 1 read MSR 0x0*c0010114: refused by the MSR policy \\(#GP\\)$", "the refused MSR logged");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: exception vector 13$", "#GP in the guest");
        ScenarioAssert.Line(run, "INFO", "scenario", "^vm 1: ended done, as expected$", "the program ending at that #GP");
        AssertPassed(run);
    }

    [Fact]
    public async Task A_hypercall_from_ring_3_of_a_guest_gets_an_invalid_opcode_fault_and_does_nothing()
    {
        QemuResult run = await images.BootAsync(BootPath.Pvh, "vm-user-hypercall");
        // The control: the same call from the guest's kernel mode reaches Redoubt and works.
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: user hypercall: info from ring 0: status 0x0, abi version 0x10000$", "the ring-0 call working");
        ScenarioAssert.Line(run, "WARN", "hypercall", "^domain 1 \\(0 = Dom0\\): VMMCALL at CPL 3, rip 0x[0-9a-f]{16} refused \\(#UD\\): hypercalls come from a kernel only, 1 so far$", "the refusal logged");
        ScenarioAssert.Line(run, "INFO", "guest", "^vm 1: exception vector 6$", "#UD in the guest");
        ScenarioAssert.Line(run, "INFO", "scenario", "^vm 1: ended done, as expected$", "the program ending at that #UD");
        AssertPassed(run);
    }

    private static void AssertPassed(QemuResult run)
    {
        ScenarioAssert.Line(run, "INFO", "boot", "^done$", "the end of the boot");
        ScenarioAssert.Exit(run, QemuExit.Pass);
    }
}
