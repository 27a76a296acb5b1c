using System;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>The boundary between Dom0 and Redoubt, tried from Dom0 as an attacker would: a user
/// process that executes VMMCALL itself, a non-root user at /dev/redoubt, and root firing random
/// hypercalls at Redoubt through the driver's raw ioctl on both CPUs (init.sh's boundary and
/// hypercall-storm self-tests, docs/redoubtctl.md; the driver, docs/dom0-driver.md).</summary>
[Collection(Dom0Collection.Name)]
public sealed class Dom0BoundaryScenarioTests(RedoubtImages images)
{
    [Fact]
    public async Task Hypercalls_from_dom0_user_space_are_refused_and_root_reaches_redoubt_through_the_driver()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "boundary", new Dom0Options { Dom0Args = "redoubt.test=boundary" });
        Assert.True(run.TestValue("boundary", "root_redoubtctl_exit") == "0",
            "the control failed: root's redoubtctl info through /dev/redoubt did not work.\n" + run.Describe());
        Assert.Contains("redoubt: /dev/redoubt ready", run.Console);

        // VMMCALL at CPL 3 is #UD (SIGILL), for nobody and for root alike, and performs nothing:
        // the VmCreate it asked for made no VM.
        Assert.True(run.TestValue("boundary", "user_vmmcall") == "signal=SIGILL",
            "a VMMCALL from a uid-65534 process was not refused with #UD.\n" + run.Describe());
        Assert.True(run.TestValue("boundary", "root_user_vmmcall") == "signal=SIGILL",
            "a VMMCALL from a root process in user space was not refused with #UD.\n" + run.Describe());
        string? before = run.TestValue("boundary", "vms_before"), after = run.TestValue("boundary", "vms_after");
        Assert.True(before == "0" && after == "0", $"VMs before and after the refused VmCreates: {before}, {after}.\n" + run.Describe());

        // /dev/redoubt is root's alone.
        Assert.Equal("600", run.TestValue("boundary", "dev_mode"));
        Assert.Equal("0:0", run.TestValue("boundary", "dev_owner"));
        Assert.True(run.TestValue("boundary", "root_open") == "ok", "the control failed: root cannot open /dev/redoubt.\n" + run.Describe());
        Assert.True(run.TestValue("boundary", "user_open") == "errno=EACCES", "uid 65534 could open /dev/redoubt.\n" + run.Describe());
        Assert.True(run.TestValue("boundary", "user_redoubtctl_exit") == "1", "redoubtctl worked for uid 65534.\n" + run.Describe());
        Assert.Contains("DOM0-TEST-STDERR: redoubtctl: cannot open /dev/redoubt: Permission denied (errno 13); redoubtctl must run as root", run.Console);

        Assert.DoesNotContain("[PANIC]", run.RedoubtLog);
        Assert.True(run.Exit == QemuExit.Shutdown, run.Describe());
    }

    [Fact]
    public async Task Buffers_and_donations_aimed_at_redoubt_devices_or_a_vm_are_refused_and_dom0s_page_zero_is_served()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "buffers", new Dom0Options { Dom0Args = "redoubt.test=buffers" });
        string? Value(string key) => run.TestValue("buffers", key);
        // The controls: the same calls reach Redoubt and work where Dom0 may aim them, page 0
        // included (Info's record lands there: its ABI version, 1.0, read back through /dev/mem).
        Assert.True(Value("info_page0") == "0", "Info into Dom0's page 0 was not served.\n" + run.Describe());
        Assert.Equal("0000000000010000", Value("info_page0_abi"));
        Assert.True(Value("donate_page0") == "0" && Value("reclaim_page0") == "0", "the control donation failed.\n" + run.Describe());
        Assert.True(Value("info_page0_again") == "0" && Value("report_page0_again") == "0", "page 0 was not Dom0's again after the reclaim.\n" + run.Describe());
        Assert.Equal("0", Value("vm_destroy"));
        // Redoubt's frames, devices, a VM's page: InvalidBuffer (11) for buffers, NotOwned (7) for donations.
        foreach (string key in new[] { "info_trampoline", "info_kept", "info_apic", "info_tpm", "info_ecam", "info_vm_page", "report_vm_page" })
            Assert.True(Value(key) == "11", $"{key} = {Value(key)}, not InvalidBuffer.\n" + run.Describe());
        foreach (string key in new[] { "donate_kept", "donate_trampoline", "donate_apic", "donate_vm_page" })
            Assert.True(Value(key) == "7", $"{key} = {Value(key)}, not NotOwned.\n" + run.Describe());
        Assert.DoesNotContain("[PANIC]", run.RedoubtLog);
        Assert.True(run.Exit == QemuExit.Shutdown, "Dom0 should go on and power off.\n" + run.Describe());
    }

    [Fact]
    public async Task A_call_that_removes_a_translation_waits_for_every_cpus_delayed_acknowledgement_before_it_reuses_the_frame()
    {
        // CPU 1 holds each shootdown acknowledgement 800 ms (test mode).
        const long DelayNs = 800_000_000;
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "shootdown", new Dom0Options
        {
            RedoubtArgs = "redoubt.shootdown_delay_ms=800",
            Dom0Args = "redoubt.test=shootdown",
        });
        (string Status, long Ns) Value(string key)
        {
            string[] parts = (run.TestValue("shootdown", key) ?? throw new Xunit.Sdk.XunitException($"{key} missing.\n" + run.Describe())).Split(',');
            return (parts[0], long.Parse(parts[1]));
        }
        // The control: a call that removes no translation asks for no shootdown and does not wait.
        Assert.True(Value("info") is ("0", < DelayNs / 2), $"Info: {Value("info")}.\n" + run.Describe());
        // Donating page 0 removes Dom0's translation: every shootdown that found CPU 1 in Dom0
        // returned only after CPU 1 held and then gave its acknowledgement (Redoubt zeroes the
        // frame after that); a shootdown that found CPU 1 in Redoubt (an APIC access) need not
        // wait, since CPU 1 flushes on its next entry. At least one call waited.
        long longest = 0;
        for (int round = 1; round <= 3; round++)
        {
            foreach (string key in new[] { $"donate_{round}", $"reclaim_{round}" })
            {
                Assert.True(Value(key).Status == "0", $"{key}: {Value(key)}.\n" + run.Describe());
                longest = Math.Max(longest, Value(key).Ns);
            }
        }
        Assert.True(longest >= DelayNs, $"no call waited for CPU 1 (longest {longest} ns).\n" + run.Describe());
        Assert.Equal("0", Value("destroy").Status);
        Assert.Matches(@"\[INFO\] smp: CPU 1 acknowledges after holding it 800 ms", run.RedoubtLog);
        MatchCollection shootdowns = Regex.Matches(run.RedoubtLog, @"smp: shootdown to flush \d+: (\d+) CPUs in Dom0 signalled, every CPU acknowledged after (\d+) ms");
        // A signalled CPU may leave Dom0 for another exit before the NMI arrives: that exit is its
        // acknowledgement, and it holds only NMI exits. So at least one signalled shootdown waited.
        Assert.Contains(shootdowns, m => m.Groups[1].Value != "0" && long.Parse(m.Groups[2].Value) >= 800);
        Assert.True(run.Exit == QemuExit.Shutdown, run.Describe());
    }

    [Fact]
    public async Task The_driver_gives_vms_pages_of_its_own_takes_them_back_and_never_returns_a_page_redoubt_kept()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "driver-memory", new Dom0Options { Dom0Args = "redoubt.test=driver-memory" });
        string? Value(string key) => run.TestValue("driver-memory", key);
        Assert.True(Value("donate") == "0" && Value("guest_private_donated") == "4", "the driver's donation did not reach the VM.\n" + run.Describe());
        Assert.Equal("errno-EEXIST", Value("donate_overlapping"));
        Assert.Equal("5", Value("donate_refused"));
        Assert.Equal("errno-ENOENT", Value("reclaim_other_range"));
        Assert.True(Value("reclaim") == "0" && Value("guest_private_reclaimed") == "0", "the reclaim did not take the pages back.\n" + run.Describe());
        Assert.True(Value("donate_again") == "0" && Value("destroy") == "0" && Value("guest_private_destroyed") == "0",
            "DESTROY did not end the VM with its memory.\n" + run.Describe());

        // Memory left with a VM when the file closes comes back; memory the driver cannot get
        // back (its VM was destroyed behind its back, the slot now names another VM) is leaked
        // with a line, never handed to Linux.
        Assert.True(Value("slot_reused") == "1" && Value("donate_left_at_close") == "0" && Value("guest_private_before_close") == "5",
            "the close case was not set up.\n" + run.Describe());
        Assert.True(Value("guest_private_after_close") == "0", "closing the file did not reclaim the VM's pages.\n" + run.Describe());
        Assert.True(Value("leak_lines") == "1", "the driver did not leak exactly the range it could not reclaim.\n" + run.Describe());
        Assert.Matches(@"redoubt: leaking 2 pages at physical 0x[0-9a-f]+ \(VM slot 0, guest 0x100000\): MemReclaim returned status 9", run.Console);
        Assert.DoesNotContain("[PANIC]", run.RedoubtLog);
        Assert.True(run.Exit == QemuExit.Shutdown, run.Describe());
    }

    [Fact]
    public async Task Two_hundred_thousand_random_hypercalls_on_both_cpus_leave_redoubt_up_and_its_answer_consistent()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "hypercall-storm", new Dom0Options
        {
            RedoubtArgs = "redoubt.audit=25000",
            Dom0Args = "redoubt.test=hypercall-storm redoubt.storm=200000",
        });
        Assert.True(run.Console.Contains("DOM0-TEST hypercall-storm done", StringComparison.Ordinal), "the storm did not finish.\n" + run.Describe());
        Assert.DoesNotContain("[PANIC]", run.RedoubtLog);
        foreach (string cpu in new[] { "cpu0", "cpu1" })
        {
            Assert.True(run.TestValue("hypercall-storm", $"{cpu}.calls") == "100000", $"{cpu} made no storm.\n" + run.Describe());
            Assert.Null(run.TestValue("hypercall-storm", $"{cpu}.ioctl_failed"));
            // The control: calls got past validation and did things (VMs made, memory donated).
            Assert.True(int.Parse(run.TestValue("hypercall-storm", $"{cpu}.status.Success") ?? "0") > 0,
                $"no call on {cpu} succeeded: the storm tested only refusals.\n" + run.Describe());
        }

        // Afterwards Redoubt still answers, and its answer agrees with what it logged at boot and
        // with itself.
        Assert.True(run.TestValue("hypercall-storm", "info_exit") == "0", "redoubtctl info failed after the storm.\n" + run.Describe());
        Match core = Regex.Match(run.Console, @"core: kernel core over (\d+) frames: ");
        Assert.True(core.Success, "Redoubt's kernel core line is missing.\n" + run.Describe());
        Assert.Equal(core.Groups[1].Value, run.InfoValue("frames.total"));
        ulong sum = 0;
        foreach (string key in new[] { "frames.free", "frames.hypervisor", "frames.dom0", "frames.guest_private", "frames.guest_shared", "frames.page_table", "frames.other" })
            sum += ulong.Parse(run.InfoValue(key) ?? throw new Xunit.Sdk.XunitException($"{key} missing.\n" + run.Describe()));
        Assert.Equal(ulong.Parse(run.InfoValue("frames.total")!), sum);

        // Redoubt's own audit of its invariants (KernelCore.Audit, every 25,000 calls, under the
        // core lock) found them holding every time, the last after the storm's 200,000 calls.
        Assert.DoesNotMatch(@"\[ERROR\] audit: ", run.RedoubtLog);
        Assert.Matches(@"\[INFO\] audit: invariants hold over \d+ frames after 200000 hypercalls \(audit 8\)", run.RedoubtLog);

        // Redoubt's TLB shootdowns never reach Dom0 as NMIs it cannot explain.
        Assert.True(run.TestValue("hypercall-storm", "unknown_nmi_lines") == "0", "Dom0 logged unknown NMIs.\n" + run.Describe());
        Assert.True(run.Exit == QemuExit.Shutdown, run.Describe());
    }
}
