using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Redoubt.Scenarios.Collections;
using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.Scenarios;

/// <summary>W^X: the kernel audits its own page tables; no mapping may be writable and executable.</summary>
[Collection(PageTableAuditCollection.Name)]
public sealed class PageTableAuditTests(RedoubtImages images)
{
    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Boot_audit_finds_no_writable_executable_mapping(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "boot");

        Match audit = ScenarioAssert.Line(run, "INFO", "paging", @"^audit: (?<mappings>\d+) mappings, .*\b0 writable\+executable$",
            "the page-table audit with no writable+executable mapping");
        ScenarioAssert.True(run, long.Parse(audit.Groups["mappings"].Value, CultureInfo.InvariantCulture) > 0,
            "the audit to have inspected at least one mapping.");
    }

    [Theory]
    [InlineData(BootPath.Pvh)]
    [InlineData(BootPath.Uefi)]
    public async Task Wx_audit_negative_panics_naming_the_writable_executable_mapping(BootPath path)
    {
        QemuResult run = await images.BootAsync(path, "wx-audit-negative");

        ScenarioAssert.ScenarioStartedBeforePanic(run, "wx-audit-negative");
        ScenarioAssert.Panic(run, "paging", $@"^writable\+executable mapping at {ScenarioAssert.Hex}$",
            "writable+executable mapping, naming its address");
    }
}
