#!/usr/bin/env python3
# Cuts the ACPI tables out of a QEMU guest memory dump (monitor command pmemsave from address 0)
# into a small sparse image: the RSDP, the RSDT and XSDT, and every table they list, each kept
# at its physical address. Record format (little-endian): u64 address, u32 length, then the
# bytes; the first record is the RSDP. Usage: extract.py DUMP OUTPUT
import struct
import sys


def checksum_ok(data):
    return sum(data) % 256 == 0


def find_rsdps(memory):
    found = []
    for address in range(0, len(memory) - 36, 16):
        if memory[address:address + 8] != b"RSD PTR " or not checksum_ok(memory[address:address + 20]):
            continue
        if memory[address + 15] >= 2:
            length = struct.unpack_from("<I", memory, address + 20)[0]
            if length < 36 or not checksum_ok(memory[address:address + length]):
                continue
        found.append(address)
    return found


def main():
    memory = open(sys.argv[1], "rb").read()
    rsdps = find_rsdps(memory)
    if not rsdps:
        sys.exit("no RSDP")
    # OVMF leaves more than one copy; the last one found is the one it installed last, so prefer
    # one whose root tables are well formed and list the most tables.
    best = None
    for rsdp in rsdps:
        revision = memory[rsdp + 15]
        rsdp_length = 36 if revision >= 2 else 20
        roots = []
        rsdt = struct.unpack_from("<I", memory, rsdp + 16)[0]
        if rsdt:
            roots.append((rsdt, 4))
        if revision >= 2:
            xsdt = struct.unpack_from("<Q", memory, rsdp + 24)[0]
            if xsdt:
                roots.append((xsdt, 8))
        chunks = [(rsdp, rsdp_length)]
        tables = []
        ok = True
        for root, size in roots:
            if root + 36 > len(memory):
                ok = False
                break
            length = struct.unpack_from("<I", memory, root + 4)[0]
            if not checksum_ok(memory[root:root + length]):
                ok = False
                break
            chunks.append((root, length))
            for i in range((length - 36) // size):
                entry = struct.unpack_from("<Q" if size == 8 else "<I", memory, root + 36 + i * size)[0]
                if entry and entry not in tables:
                    tables.append(entry)
        if not ok:
            continue
        for table in tables:
            chunks.append((table, struct.unpack_from("<I", memory, table + 4)[0]))
        if best is None or len(chunks) > len(best):
            best = chunks
    if best is None:
        sys.exit("no well-formed root table")
    with open(sys.argv[2], "wb") as output:
        for address, length in best:
            output.write(struct.pack("<QI", address, length))
            output.write(memory[address:address + length])
    for address, length in best:
        print("%#x %s %d" % (address, memory[address:address + 4].decode("ascii", "replace"), length))


main()
