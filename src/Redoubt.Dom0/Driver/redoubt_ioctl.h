/* SPDX-License-Identifier: MIT */
/*
 * The ioctl interface of /dev/redoubt, Redoubt's Dom0 driver (redoubt.c, docs/dom0-driver.md).
 * The one C definition: the driver and the test probe include it; redoubtctl's C# copy
 * (src/Redoubt.Dom0/Control/DriverAbi.cs) is checked against it by
 * tests/Redoubt.Dom0.Tests/DriverAbiTests.cs, which compiles this header with gcc.
 * Every structure is made of 64-bit fields only: the same layout for every ABI.
 */
#ifndef REDOUBT_IOCTL_H
#define REDOUBT_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define REDOUBT_DEVICE "/dev/redoubt"

/*
 * One hypercall's registers (docs/spec/abi.md): in = RAX (number), RDI, RSI, RDX, R10, R8, R9
 * (arg0..arg5); out = RAX (status), RDI, RSI, RDX (result0..result2).
 */
struct redoubt_hypercall {
	__u64 in[7];
	__u64 out[4];
};

/*
 * A hypercall with one buffer, which the driver owns: it copies the caller's `length` bytes at
 * `buffer` into memory of its own, puts that memory's physical address and `length` into the
 * call's buffer arguments (whatever `call.in` held there), makes the call and copies the bytes
 * back. Only the calls that take a buffer: Info (arg0/arg1), VmLoad (arg2/arg3, the source),
 * VcpuSetState, VcpuRun and VmReport (arg1/arg2).
 */
struct redoubt_buffer_call {
	struct redoubt_hypercall call;
	__u64 buffer;		/* the caller's address */
	__u64 length;		/* 1 .. REDOUBT_BUFFER_MAX bytes */
};

/*
 * Memory given to a VM: the driver allocates `pages` zeroed, contiguous pages, pins them and
 * donates them (MemDonate) to the VM in capability slot `vm` at guest-physical `guest`. It keeps
 * them for this open file until RECLAIM of the same range, DESTROY of the VM, or close.
 * DESTROY uses only `vm` (VmDestroy). `status` is the hypercall's status.
 */
struct redoubt_memory {
	__u64 vm;
	__u64 guest;
	__u64 pages;
	__u64 status;
};

#define REDOUBT_BUFFER_MAX (1u << 20)
#define REDOUBT_DONATE_MAX 1024u	/* pages per donation (4 MiB, one buddy block) */

#define REDOUBT_IOCTL_TYPE 0xB7
/* Raw registers in, registers out: anything, for root only (privcmd's IOCTL_PRIVCMD_HYPERCALL). */
#define REDOUBT_IOCTL_HYPERCALL _IOWR(REDOUBT_IOCTL_TYPE, 0, struct redoubt_hypercall)
#define REDOUBT_IOCTL_BUFFER_CALL _IOWR(REDOUBT_IOCTL_TYPE, 1, struct redoubt_buffer_call)
#define REDOUBT_IOCTL_DONATE _IOWR(REDOUBT_IOCTL_TYPE, 2, struct redoubt_memory)
#define REDOUBT_IOCTL_RECLAIM _IOWR(REDOUBT_IOCTL_TYPE, 3, struct redoubt_memory)
#define REDOUBT_IOCTL_DESTROY _IOWR(REDOUBT_IOCTL_TYPE, 4, struct redoubt_memory)

#endif
