using Redoubt.Scenarios.Harness;
using Xunit;

namespace Redoubt.Scenarios.HarnessTests;

public sealed class ConsoleLogTests
{
    [Fact]
    public void Kernel_lines_are_found_after_firmware_output_and_escape_sequences()
    {
        var log = new ConsoleLog(
            "\x1b[2J\x1b[01;01H\x1b[=3hBdsDxe: starting Boot0002\r\n"
            + "Booting from ROM..[INFO] boot: Redoubt 0.1.0 (boot path: pvh)\n"
            + "[INFO] memory: 7 regions, 254 MiB usable\r\n"
            + "[PANIC] runtime: index out of range at rip=0x0000000000201a3c\n");

        Assert.Collection(log.Entries,
            e => Assert.Equal(("INFO", "boot", "Redoubt 0.1.0 (boot path: pvh)", 1), (e.Level, e.Subsystem, e.Message, e.LineNumber)),
            e => Assert.Equal("[INFO] memory: 7 regions, 254 MiB usable", e.ToString()),
            e => Assert.Equal(("PANIC", "runtime"), (e.Level, e.Subsystem)));
        Assert.Equal("BdsDxe: starting Boot0002", log.Lines[0]);
        Assert.Equal(new[] { "[INFO] memory: 7 regions, 254 MiB usable", "[PANIC] runtime: index out of range at rip=0x0000000000201a3c" }, log.Tail(2));
    }

    [Theory]
    [InlineData("[INFO] boot: done", true)]
    [InlineData("[DEBUG] paging: audit: 3 mappings", true)]
    [InlineData("[INFO] boot:done", false)]
    [InlineData("[NOTE] boot: done", false)]
    [InlineData("x[INFO] boot: done", false)]
    [InlineData("Redoubt hello", false)]
    public void Well_formed_lines_follow_the_log_format(string line, bool expected)
    {
        Assert.Equal(expected, ConsoleLog.IsWellFormed(line));
    }
}
