using System;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>Debian's Linux (artifacts/image/dom0.cpio: its kernel, an initramfs with busybox and
/// redoubtctl) booted as Dom0 under Redoubt with two CPUs: what a user of Dom0 would check.</summary>
[Collection(Dom0Collection.Name)]
public sealed class Dom0ScenarioTests(RedoubtImages images)
{
    // busybox ash as root in /.
    private const string Prompt = "/ # ";

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Dom0_boots_to_a_shell_on_both_cpus_and_poweroff_ends_the_machine(BootPath path)
    {
        Dom0Result run = await images.Dom0Async(path, "shell", new Dom0Options
        {
            Responses = [(Prompt, "grep -c ^processor /proc/cpuinfo\n"), (Prompt, "poweroff\n")],
        });
        Assert.True(run.Console.Contains("redoubt-dom0: ready", StringComparison.Ordinal), "Dom0's init never ran.\n" + run.Describe());
        Assert.True(Regex.IsMatch(run.Console, @"grep -c \^processor /proc/cpuinfo\r?\n2\r?\n"), "Dom0 does not see 2 CPUs at its shell.\n" + run.Describe());
        Assert.True(run.Console.Contains("reboot: Power down", StringComparison.Ordinal), "Dom0 did not power the machine off.\n" + run.Describe());
        Assert.True(run.Exit == QemuExit.Shutdown, "QEMU should end cleanly on Dom0's poweroff.\n" + run.Describe());
        Assert.Matches(@"Dom0 starts CPU 1 \(APIC ID 1\) at 0x[0-9a-f]{16}", run.RedoubtLog);
        Assert.Contains("log continued from COM1", run.RedoubtLog);
        // Dom0's ACPI power-off reached Redoubt, which scrubbed and powered off itself.
        Assert.Matches(@"\[INFO\] power: Dom0 asked for power-off \(ACPI S5\): scrubbed \d+ frames of VM memory; powering off", run.RedoubtLog);
    }

    [Fact]
    public async Task Redoubtctl_info_in_dom0_matches_what_redoubt_logged()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "info", new Dom0Options { Dom0Args = "redoubt.test=info" });
        Assert.True(run.TestValue("info", "exit_status") == "0", "redoubtctl info failed.\n" + run.Describe());
        Match core = Regex.Match(run.Console, @"core: kernel core over (\d+) frames: (\d+) Dom0, ");
        Assert.True(core.Success, "Redoubt's kernel core line is missing.\n" + run.Describe());
        Assert.Equal("2", run.InfoValue("cpus"));
        Assert.Equal(core.Groups[1].Value, run.InfoValue("frames.total"));
        ulong total = ulong.Parse(run.InfoValue("frames.total")!);
        ulong sum = 0;
        foreach (string key in new[] { "frames.free", "frames.hypervisor", "frames.dom0", "frames.guest_private", "frames.guest_shared", "frames.page_table", "frames.other" })
            sum += ulong.Parse(run.InfoValue(key) ?? throw new Xunit.Sdk.XunitException($"{key} missing.\n" + run.Describe()));
        Assert.Equal(total, sum);
        Assert.Equal(total - ulong.Parse(run.InfoValue("frames.dom0")!) - ulong.Parse(run.InfoValue("frames.other")!), ulong.Parse(run.InfoValue("frames.kept")!));
        Assert.Equal("0", run.InfoValue("vms"));
        Assert.True(run.Exit == QemuExit.Shutdown, run.Describe());
    }

    [Fact]
    public async Task Dom0_reads_redoubts_memory_through_dev_mem_and_never_sees_a_byte_of_it()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "devmem", new Dom0Options { RedoubtArgs = "redoubt.marker=1", Dom0Args = "redoubt.test=devmem" });
        Match marker = Regex.Match(run.Console, @"marker written over \d+ (KiB|MiB) of Redoubt's unused table frames at 0x([0-9a-f]{16})-0x([0-9a-f]{16})");
        Assert.True(marker.Success, "Redoubt did not log the marker's range.\n" + run.Describe());
        ulong start = Convert.ToUInt64(marker.Groups[2].Value, 16), end = Convert.ToUInt64(marker.Groups[3].Value, 16) + 1;
        // The control: the same probe finds the marker where Dom0 may read it.
        Assert.True(int.Parse(run.TestValue("devmem", "control_hits") ?? "0") > 0, "the probe does not find a marker Dom0 may read.\n" + run.Describe());
        // Dom0 read exactly the range Redoubt logged, all of it, and found no marker there.
        Assert.Equal($"0x{start:x}-0x{end - 1:x},read={end - start},refused_pages=0", run.TestValue("devmem", "marker_range"));
        Assert.True(run.TestValue("devmem", "marker_range_hits") == "0", "Dom0 read Redoubt's marker.\n" + run.Describe());
        // A write into it is refused, and Redoubt itself finds its page whole.
        Assert.Equal("4096", run.TestValue("devmem", "marker_write_readback"));
        Assert.True(run.TestValue("devmem", "marker_write_landed") == "0", "a write into Redoubt's marker landed.\n" + run.Describe());
        Assert.Matches($@"\[INFO\] dom0: marker page 0x{start:x16} still whole after Dom0's refused write", run.RedoubtLog);
        Assert.DoesNotContain("CHANGED by Dom0's write", run.RedoubtLog);
        Assert.True(int.Parse(run.TestValue("devmem", "ranges") ?? "0") > 0, "Dom0 found no reserved range to read.\n" + run.Describe());
        Assert.True(run.TestValue("devmem", "marker_hits") == "0", "Dom0 read Redoubt's marker.\n" + run.Describe());
        Assert.Matches(@"\[WARN\] dom0: refused read of physical 0x[0-9a-f]{16} \(not Dom0's\)", run.RedoubtLog);
        // Writes into Redoubt's memory are refused the same way, and Redoubt goes on.
        Assert.True(int.Parse(run.TestValue("devmem", "writes") ?? "0") > 0, "Dom0 tried no write.\n" + run.Describe());
        Assert.True(run.TestValue("devmem", "writes_landed") == "0", "a write into Redoubt's memory landed.\n" + run.Describe());
        Assert.Matches(@"\[WARN\] dom0: refused write of physical 0x[0-9a-f]{16} \(not Dom0's\)", run.RedoubtLog);
        Assert.True(run.Exit == QemuExit.Shutdown, "Dom0 should go on and power off.\n" + run.Describe());
    }

    // A machine with an Intel IOMMU and a TPM 2.0. Through UEFI: under PVH, SeaBIOS's TPM tables
    // grow into QEMU's -initrd.
    private static readonly Dom0Options Hidden = new()
    {
        Dom0Args = "redoubt.test=hidden",
        Tpm = true,
        ExtraQemu = ["-device", "intel-iommu"],
    };

    [Fact]
    public async Task Dom0_sees_no_svm_no_iommu_and_no_tpm()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Uefi, "hidden", Hidden);
        Assert.True(run.TestValue("hidden", "svm") == "0", "Dom0 sees SVM.\n" + run.Describe());
        Assert.True(run.TestValue("hidden", "iommu") == "0", "Dom0 sees the IOMMU.\n" + run.Describe());
        Assert.True(run.TestValue("hidden", "tpm") == "0", "Dom0 sees the TPM.\n" + run.Describe());
        Assert.Matches(@"\[INFO\] acpi: hidden from Dom0: DMAR at 0x[0-9a-f]{16}", run.Console);
        Assert.Matches(@"\[INFO\] acpi: hidden from Dom0: TPM2 at 0x[0-9a-f]{16}", run.Console);
        Assert.Contains("[INFO] acpi: kept from Dom0: registers 0x00000000fed90000-0x00000000fed90fff", run.Console);
        Assert.True(run.Exit == QemuExit.Shutdown, run.Describe());
    }

    [Fact]
    public async Task Without_redoubt_the_same_linux_sees_svm_the_iommu_and_the_tpm()
    {
        // The control: the self-test finds what is there.
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "hidden bare", Hidden with { Bare = true });
        Assert.True(run.TestValue("hidden", "svm") == "1", "the self-test misses SVM.\n" + run.Describe());
        Assert.True(run.TestValue("hidden", "iommu") == "1", "the self-test misses the IOMMU.\n" + run.Describe());
        Assert.True(run.TestValue("hidden", "tpm") == "1", "the self-test misses the TPM.\n" + run.Describe());
    }

    [Fact]
    public async Task A_virtio_disk_works_in_dom0_and_keeps_what_it_wrote()
    {
        string disk = Path.Combine(Path.GetTempPath(), $"redoubt-dom0-disk-{Guid.NewGuid():N}.img");
        File.WriteAllBytes(disk, new byte[4 << 20]);
        try
        {
            Dom0Result run = await images.Dom0Async(BootPath.Pvh, "disk " + disk, new Dom0Options
            {
                Dom0Args = "redoubt.test=disk",
                ExtraQemu = ["-drive", $"file={disk},format=raw,if=virtio"],
            });
            Assert.True(run.TestValue("disk", "match") == "1", "the disk did not read back what Dom0 wrote.\n" + run.Describe());
            Assert.True(run.Exit == QemuExit.Shutdown, run.Describe());
            // What Dom0 wrote is on the disk image, seen from outside the machine.
            byte[] image = File.ReadAllBytes(disk);
            Assert.Equal("dom0-disk 00000\ndom0-disk 00001\n", Encoding.ASCII.GetString(image, 0, 32));
            Assert.Equal("dom0-disk 65535\n", Encoding.ASCII.GetString(image, (1 << 20) - 16, 16));
        }
        finally
        {
            File.Delete(disk);
        }
    }

    // Root in Dom0 tries MSRs through /dev/cpu/0/msr and CPU 0's APIC ID through /dev/mem. The
    // controls: MSRs the allow-list passes or emulates read and take a write from the same probe,
    // and the APIC's TPR takes the write the APIC ID does not.
    [Fact]
    public async Task Dom0_root_reaches_only_the_msrs_redoubt_allows_and_linux_boots_without_an_msr_fault()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "msr", new Dom0Options { Dom0Args = "redoubt.test=msr iomem=relaxed" });
        string Probe(string key) => run.TestValue("msr", key) ?? throw new Xunit.Sdk.XunitException($"{key} missing.\n" + run.Describe());
        Assert.Matches("^ok:0x[0-9a-f]{16}$", Probe("tsc_read"));
        Assert.Matches("^ok:0x[0-9a-f]*[1-9a-f][0-9a-f]*$", Probe("pat_read"));
        Assert.Equal("ok", Probe("pat_write_same"));
        Assert.Matches("^ok:0x[0-9a-f]*[1-9a-f][0-9a-f]*$", Probe("mtrr_def_type_read"));
        Assert.Equal("ok", Probe("mtrr_def_type_write_same"));
        Assert.Matches("^ok:0x[0-9a-f]{16}$", Probe("hwcr_read"));
        foreach (string refused in new[] { "tsc_write", "mtrr_def_type_write_other", "hwcr_write_same", "patch_loader_write", "mmio_conf_base_read",
            "smm_addr_read", "debugctl_write", "perf_ctl0_write", "vm_hsave_pa_read" })
            Assert.True(Probe(refused) == "refused", $"{refused} was not refused.\n" + run.Describe());
        Assert.Matches(@"\[WARN\] dom0: refused MSR write of 0x0*c0010020 \(value 0x0+\) at rip 0x[0-9a-f]{16}: #GP in Dom0", run.RedoubtLog);
        Assert.Matches(@"\[WARN\] dom0: refused MSR read of 0x0*c0010112 at rip 0x[0-9a-f]{16}: #GP in Dom0", run.RedoubtLog);
        string[] id = Probe("apic_id").Split(','), tpr = Probe("apic_tpr").Split(',');
        Assert.True(id.Length == 2 && id[0] == id[1], "the APIC ID changed.\n" + run.Describe());
        Assert.True(tpr.Length == 3 && tpr[0] != tpr[1] && tpr[1] == tpr[2], "the TPR control did not take its write.\n" + run.Describe());
        Assert.Matches(@"\[WARN\] dom0: CPU 0: write of 0x0*f000000 to the APIC ID register dropped", run.RedoubtLog);
        // Linux's own boot on both CPUs touched no MSR without a fault handler that Redoubt refused.
        Assert.DoesNotContain("unchecked MSR access", run.Console);
        Assert.DoesNotContain("MTRR: CPU", run.Console);
        Assert.True(run.Exit == QemuExit.Shutdown, "Dom0 should go on and power off.\n" + run.Describe());
    }

    [Fact]
    public async Task A_dom0_that_triple_faults_resets_the_machine_and_does_not_hang_it()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "triplefault", new Dom0Options { Dom0Args = "reboot=triple redoubt.test=triplefault" });
        Assert.True(run.TestValue("triplefault", "reboot") == "triple-fault", "the self-test did not run.\n" + run.Describe());
        Assert.Matches(@"\[ERROR\] dom0: Dom0 shut down \(triple fault\) at rip 0x[0-9a-f]{16} after \d+ exits: resetting the machine", run.RedoubtLog);
        Assert.True(run.Exit == QemuExit.Shutdown, "QEMU should end (-no-reboot turns the reset into an exit).\n" + run.Describe());
    }

    // One CPU: Linux brings secondary CPUs back after a suspend with INIT and STARTUP, which
    // Redoubt does not carry out for a running vCPU (docs/dom0.md, Limits).
    private static readonly Dom0Options Platform = new()
    {
        Dom0Args = "redoubt.test=platform",
        Cpus = 1,
        ExtraQemu = ["-device", "amd-iommu"],
    };

    [Fact]
    public async Task Dom0_root_cannot_reset_sleep_move_a_bar_or_see_the_iommu_and_its_reboot_goes_through_redoubt()
    {
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "platform", Platform);
        string T(string key) => run.TestValue("platform", key) ?? throw new Xunit.Sdk.XunitException($"{key} missing.\n" + run.Describe());
        // Each reset write was refused, logged, and Dom0 went on.
        Assert.Equal("alive", T("after_cf9"));
        Assert.Equal("alive", T("after_92"));
        Assert.Equal("alive", T("after_64"));
        Assert.Matches(@"\[WARN\] dom0: refused a CPU reset through the reset control register \(port CF9h\): write of 0x0*6 to port 0x0*cf9", run.RedoubtLog);
        Assert.Matches(@"\[WARN\] dom0: refused a fast reset \(port 92h, bit 0\): write of 0x0*1 to port 0x0*92", run.RedoubtLog);
        Assert.Matches(@"\[WARN\] dom0: refused a reset pulse from the keyboard controller \(port 64h\): write of 0x0*fe to port 0x0*64", run.RedoubtLog);
        // The IOMMU (class 0806h) is absent for Dom0; the control below finds it without Redoubt.
        Assert.Equal("0", T("iommu_functions"));
        // Positive controls: the BAR takes its own value and answers the sizing protocol.
        Assert.NotEqual("none", T("bar"));
        Assert.Equal(T("bar_old"), T("bar_same_value"));
        Assert.NotEqual(T("bar_old"), T("bar_sizing"));
        Assert.Equal(T("bar_old"), T("bar_restored"));
        // Moved over Redoubt's memory: refused, unchanged.
        Assert.Equal(T("bar_old"), T("bar_after_move"));
        Assert.Matches(@"\[WARN\] dom0: refused PCI configuration write of 0x[0-9a-f]+ at .*: a BAR over memory Dom0 may not decode", run.RedoubtLog);
        // ICH9's RCBA keeps its value (its block would lie over Redoubt's memory); the same
        // value again passes.
        Assert.Equal(T("rcba_old"), T("rcba_same_value"));
        Assert.Equal(T("rcba_old"), T("rcba_after_move"));
        Assert.Matches(@"\[WARN\] dom0: refused PCI configuration write of 0x[0-9a-f]+ at .*: a chipset register that re-routes physical memory", run.RedoubtLog);
        // MSI: a lowest-priority delivery mode is written (the control), INIT is not.
        Assert.NotEqual("none", T("msi"));
        string lowest = $"0x{(Convert.ToUInt32(T("msi_old"), 16) & ~0x700u) | 0x100u:x8}";
        Assert.Equal(lowest, T("msi_lowest_priority"));
        Assert.Equal(lowest, T("msi_after_init"));
        Assert.Equal(T("msi_old"), T("msi_restored"));
        Assert.Matches(@"\[WARN\] dom0: refused PCI configuration write of 0x[0-9a-f]+ at .*: an MSI delivery mode of SMI, NMI, INIT or ExtINT", run.RedoubtLog);
        // Suspend to RAM: refused with a clear line, and Dom0 went on.
        Assert.Contains("deep", T("mem_sleep"));
        Assert.Equal("alive", T("after_s3"));
        Assert.Matches(@"\[WARN\] dom0: refused suspend to RAM \(ACPI S3\): Redoubt has no sleep path yet: write of 0x[0-9a-f]+ to port 0x0*604 \(SLP_TYP 1; Dom0 is told it woke up\)", run.RedoubtLog);
        // Dom0's reboot went through Redoubt: scrub, then reset (-no-reboot ends QEMU).
        Assert.Matches(@"\[INFO\] power: Dom0 asked for a reset through the ACPI reset register: scrubbed \d+ frames of VM memory; resetting", run.RedoubtLog);
        Assert.True(run.Exit == QemuExit.Shutdown, "QEMU should end on the reset.\n" + run.Describe());
    }

    [Fact]
    public async Task Without_redoubt_the_same_linux_lists_the_amd_iommus_pci_function()
    {
        // The control for the hidden IOMMU function.
        Dom0Result run = await images.Dom0Async(BootPath.Pvh, "pciclasses bare", Platform with { Dom0Args = "redoubt.test=pciclasses", Bare = true });
        Assert.True(run.TestValue("pciclasses", "iommu_functions") == "1", "the self-test misses the IOMMU's function.\n" + run.Describe());
    }
}
