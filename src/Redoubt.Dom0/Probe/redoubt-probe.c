// SPDX-License-Identifier: MIT
/*
 * redoubt-probe: test tooling in Dom0's initramfs for the boundary self-tests of /init
 * (init.sh: redoubt.test=boundary, redoubt.test=hypercall-storm); not part of redoubtctl and not
 * for production use. Built statically by build-dom0.sh.
 *
 *   redoubt-probe vmmcall NUMBER [ARG0..ARG5]   VMMCALL straight from this user process (CPL 3),
 *       registers as docs/spec/abi.md says (numbers in C syntax: 16, 0x10). Prints
 *       "vmmcall status=S result0=R ..." if the call returned, "vmmcall signal=SIGILL" (#UD) or
 *       another signal's name if the CPU refused it; exits 0 either way.
 *   redoubt-probe call NUMBER [ARG0..ARG5]      one hypercall through the driver's raw ioctl, with
 *       any physical addresses the caller names: "call status=S result0=R ... ns=T" (status ~0
 *       when the ioctl itself failed; T the ioctl's time). For the buffers self-test: buffers and donations aimed at
 *       Redoubt's frames, devices, another VM's frames and Dom0's page 0.
 *   redoubt-probe as UID PROGRAM [ARGS...]     run PROGRAM as user and group UID, no other groups
 *       (busybox has no setuidgid).
 *   redoubt-probe open PATH                     open(PATH, O_RDWR): "open ok" or "open errno=NAME".
 *   redoubt-probe info-loop COUNT               COUNT Info calls with a buffer through the driver
 *       (REDOUBT_IOCTL_BUFFER_CALL, as redoubtctl info makes it): "info-loop calls=N ns_per_call=T".
 *   redoubt-probe null-loop COUNT               COUNT ioctls of a request the driver does not know
 *       (ENOTTY, no hypercall): the same system-call path as info-loop without Redoubt, its
 *       baseline. Prints "null-loop calls=N ns_per_call=T".
 *   redoubt-probe exec-loop COUNT PROGRAM [ARGS...]  runs PROGRAM COUNT times (fork, exec, wait;
 *       output to /dev/null): "exec-loop runs=N us_per_run=T failed=F".
 *   redoubt-probe memory                        the driver's page ioctls (DONATE, RECLAIM, DESTROY,
 *       close) on a VM it creates: "memory KEY=VALUE" lines (statuses, errnos, the VMs' private
 *       frames from Info after each step). Ends with a range donated to a VM that a raw VmDestroy
 *       then ends behind the driver's back, and a range left donated at close: the driver must
 *       leak the first (dmesg "redoubt: leaking") and reclaim the second.
 *   redoubt-probe storm COUNT SEED              COUNT random hypercalls through the driver's raw
 *       ioctl (REDOUBT_IOCTL_HYPERCALL): valid and invalid numbers; arguments aimed at physical
 *       page 0, 0x100, Redoubt's reserved frames (from /proc/iomem), device memory, beyond RAM,
 *       huge, wrapping and unaligned. Never at Dom0's own RAM above 64 KiB: Redoubt would take
 *       it (MemDonate) or write into it (Info), which hurts only Dom0, and the test needs a Dom0
 *       that lives. Prints "storm calls=N" and one "storm status.NAME=COUNT" per status seen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../Driver/redoubt_ioctl.h"

static void on_signal(int sig)
{
	/* Only async-signal-safe calls here. */
	const char *text = sig == SIGILL ? "vmmcall signal=SIGILL\n" : sig == SIGSEGV ? "vmmcall signal=SIGSEGV\n" : "vmmcall signal=other\n";
	write(1, text, strlen(text));
	_exit(0);
}

static int vmmcall(int argc, char **argv)
{
	uint64_t r[7] = { 0 };
	for (int i = 0; i < argc && i < 7; i++)
		r[i] = strtoull(argv[i], NULL, 0);
	signal(SIGILL, on_signal);
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	register uint64_t r10 asm("r10") = r[4];
	register uint64_t r8 asm("r8") = r[5];
	register uint64_t r9 asm("r9") = r[6];
	uint64_t rax = r[0], rdi = r[1], rsi = r[2], rdx = r[3];
	asm volatile("vmmcall" : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx) : "r"(r10), "r"(r8), "r"(r9) : "memory");
	printf("vmmcall status=%llu result0=0x%llx result1=0x%llx result2=0x%llx\n",
	       (unsigned long long)rax, (unsigned long long)rdi, (unsigned long long)rsi, (unsigned long long)rdx);
	return 0;
}

static int probe_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		printf("open ok\n");
		close(fd);
	} else {
		printf("open errno=%s\n", errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : errno == ENOENT ? "ENOENT" : strerrorname_np(errno));
	}
	return 0;
}

static uint64_t state;

static uint64_t next(void)
{
	/* xorshift64*: reproducible from the seed. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545F4914F6CDD1DULL;
}

/* Start addresses of the Reserved ranges of /proc/iomem below 4 GiB and their last pages. */
static uint64_t reserved[64];
static int reserved_count;

static void read_reserved(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	unsigned long long start, end;
	while (f && fgets(line, sizeof(line), f) && reserved_count < 62) {
		if (strstr(line, ": Reserved") && sscanf(line, " %llx-%llx", &start, &end) == 2 && end > start) {
			reserved[reserved_count++] = start;
			reserved[reserved_count++] = (end & ~0xFFFULL);
		}
	}
	if (f)
		fclose(f);
}

static uint64_t interesting(void)
{
	static const uint64_t fixed[] = {
		0, 0x100, 0x1000, 0x8000, 0xF000, 0xFFF, 0x10FF0,	/* Dom0's low 64 KiB, unaligned */
		0xFEE00000, 0xFEC00000, 0xFED40000, 0xFED90000,		/* APIC, I/O APIC, TPM, IOMMU */
		0xE0000000, 0xFFFFF000, 0x100000000ULL, 0x7FFFFFFFF000ULL, 0x800000000000ULL,
		0xFFFFFFFFFFFFF000ULL, ~0ULL, 0x8000000000000000ULL,	/* huge and wrapping */
		1, 2, 3, 4, 5, 8, 16, 63, 64, 96, 176, 192, 4096, 1 << 20, (1 << 20) + 1, 1ULL << 40,
	};
	uint64_t pick = next();
	switch (pick % 4) {
	case 0:
		return fixed[(pick >> 8) % (sizeof(fixed) / sizeof(fixed[0]))];
	case 1:
		return reserved_count ? reserved[(pick >> 8) % reserved_count] + ((pick >> 40) & 1) * 0x100 : 0;
	case 2:
		return (pick >> 8) % 8; /* capability slots */
	default:
		return next();
	}
}

static int storm(uint64_t count, uint64_t seed)
{
	static const uint64_t numbers[] = { 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x20, 0x21 };
	static const char *names[] = { "Success", "UnknownHypercall", "InvalidCapability", "WrongObjectType", "InsufficientRights",
		"InvalidArgument", "InvalidState", "NotOwned", "AlreadyMapped", "NotMapped", "OutOfResources", "InvalidBuffer", "NotImplemented" };
	uint64_t counts[14] = { 0 }, failed = 0;
	int fd = open(REDOUBT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("storm error=open-%s\n", strerrorname_np(errno));
		return 1;
	}
	read_reserved();
	state = seed ? seed : 1;
	for (uint64_t i = 0; i < count; i++) {
		struct redoubt_hypercall call = { 0 };
		uint64_t pick = next();
		call.in[0] = pick % 16 ? numbers[(pick >> 8) % 15] : next() % 0x40;
		/* CapRevoke orphans VMs for good (nobody can destroy them): rarely, or the pool is soon
		 * full of VMs no call can reach. */
		if (call.in[0] == 0x21 && next() % 16)
			call.in[0] = 0x11;
		/* arg0 is the capability slot of most calls: mostly a small one, so that calls get past it. */
		call.in[1] = next() % 4 ? next() % 8 : interesting();
		for (int a = 2; a < 7; a++)
			call.in[a] = interesting();
		if (ioctl(fd, REDOUBT_IOCTL_HYPERCALL, &call) != 0)
			failed++;
		else
			counts[call.out[0] < 13 ? call.out[0] : 13]++;
	}
	close(fd);
	printf("storm calls=%llu\n", (unsigned long long)count);
	for (int s = 0; s < 14; s++)
		if (counts[s])
			printf("storm status.%s=%llu\n", s < 13 ? names[s] : "unknown", (unsigned long long)counts[s]);
	if (failed)
		printf("storm ioctl_failed=%llu\n", (unsigned long long)failed);
	return 0;
}

static uint64_t elapsed_ns(const struct timespec *start)
{
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	return (end.tv_sec - start->tv_sec) * 1000000000ULL + end.tv_nsec - start->tv_nsec;
}

static int null_loop(uint64_t count)
{
	struct timespec start;
	int fd = open(REDOUBT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 || count == 0) {
		printf("null-loop error=open-%s\n", strerrorname_np(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (uint64_t i = 0; i < count; i++)
		ioctl(fd, _IO(0xB7, 0x7F), 0);
	printf("null-loop calls=%llu ns_per_call=%llu\n", (unsigned long long)count, (unsigned long long)(elapsed_ns(&start) / count));
	close(fd);
	return 0;
}

static int exec_loop(uint64_t count, char **argv)
{
	struct timespec start;
	uint64_t failed = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (uint64_t i = 0; i < count; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[0], argv);
			_exit(127);
		}
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	printf("exec-loop runs=%llu us_per_run=%llu failed=%llu\n", (unsigned long long)count,
	       (unsigned long long)(count ? elapsed_ns(&start) / count / 1000 : 0), (unsigned long long)failed);
	return 0;
}

static int info_loop(uint64_t count)
{
	uint8_t record[96];
	struct timespec start, end;
	int fd = open(REDOUBT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 || count == 0) {
		printf("info-loop error=open-%s\n", strerrorname_np(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (uint64_t i = 0; i < count; i++) {
		struct redoubt_buffer_call call = { .buffer = (uintptr_t)record, .length = sizeof(record) };
		if (ioctl(fd, REDOUBT_IOCTL_BUFFER_CALL, &call) != 0 || call.call.out[0] != 0) {
			printf("info-loop error=call-%llu\n", (unsigned long long)i);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	close(fd);
	printf("info-loop calls=%llu ns_per_call=%llu\n", (unsigned long long)count,
	       (unsigned long long)(((end.tv_sec - start.tv_sec) * 1000000000ULL + end.tv_nsec - start.tv_nsec) / count));
	return 0;
}

static struct redoubt_hypercall raw(int fd, uint64_t number, uint64_t arg0)
{
	struct redoubt_hypercall call = { .in = { number, arg0 } };
	if (ioctl(fd, REDOUBT_IOCTL_HYPERCALL, &call) != 0)
		call.out[0] = ~0ULL;
	return call;
}

/* The VMs' private frames, from an Info record (offset 56). */
static long long guest_private(int fd)
{
	uint64_t record[12] = { 0 };
	struct redoubt_buffer_call call = { .buffer = (uintptr_t)record, .length = sizeof(record) };
	if (ioctl(fd, REDOUBT_IOCTL_BUFFER_CALL, &call) != 0 || call.call.out[0] != 0)
		return -1;
	return (long long)record[7];
}

/* One page ioctl: its status, or the errno when the driver refused it. */
static void memory_step(int fd, const char *key, unsigned long request, uint64_t vm, uint64_t guest, uint64_t pages)
{
	struct redoubt_memory m = { .vm = vm, .guest = guest, .pages = pages, .status = ~0ULL };
	if (ioctl(fd, request, &m) != 0)
		printf("memory %s=errno-%s\n", key, strerrorname_np(errno));
	else
		printf("memory %s=%llu\n", key, (unsigned long long)m.status);
}

static int memory(void)
{
	int fd = open(REDOUBT_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("memory error=open-%s\n", strerrorname_np(errno));
		return 1;
	}
	printf("memory guest_private_before=%lld\n", guest_private(fd));
	uint64_t vm = raw(fd, 0x10, 0).out[1];
	memory_step(fd, "donate", REDOUBT_IOCTL_DONATE, vm, 0x100000, 4);
	printf("memory guest_private_donated=%lld\n", guest_private(fd));
	memory_step(fd, "donate_overlapping", REDOUBT_IOCTL_DONATE, vm, 0x102000, 1);
	memory_step(fd, "donate_refused", REDOUBT_IOCTL_DONATE, vm, 0x8000000000000000ULL, 1);
	memory_step(fd, "reclaim_other_range", REDOUBT_IOCTL_RECLAIM, vm, 0x100000, 3);
	memory_step(fd, "reclaim", REDOUBT_IOCTL_RECLAIM, vm, 0x100000, 4);
	printf("memory guest_private_reclaimed=%lld\n", guest_private(fd));
	memory_step(fd, "donate_again", REDOUBT_IOCTL_DONATE, vm, 0x200000, 3);
	memory_step(fd, "destroy", REDOUBT_IOCTL_DESTROY, vm, 0, 0);
	printf("memory guest_private_destroyed=%lld\n", guest_private(fd));
	/* Behind the driver's back: its record names a VM that is gone. */
	vm = raw(fd, 0x10, 0).out[1];
	uint64_t stale = vm;
	memory_step(fd, "donate_then_raw_destroy", REDOUBT_IOCTL_DONATE, vm, 0x100000, 2);
	printf("memory raw_destroy=%llu\n", (unsigned long long)raw(fd, 0x11, vm).out[0]);
	/* Left donated at close: the driver reclaims it. The new VM reuses the slot (the lowest
	 * free one) of the VM destroyed behind the driver's back. */
	vm = raw(fd, 0x10, 0).out[1];
	printf("memory slot_reused=%d\n", vm == stale);
	memory_step(fd, "donate_left_at_close", REDOUBT_IOCTL_DONATE, vm, 0x400000, 5);
	printf("memory guest_private_before_close=%lld\n", guest_private(fd));
	close(fd);
	return 0;
}

static int call(int argc, char **argv)
{
	struct redoubt_hypercall c = { 0 };
	for (int i = 0; i < argc && i < 7; i++)
		c.in[i] = strtoull(argv[i], NULL, 0);
	int fd = open("/dev/redoubt", O_RDWR | O_CLOEXEC);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (fd < 0 || ioctl(fd, REDOUBT_IOCTL_HYPERCALL, &c) != 0)
		c.out[0] = ~0ULL;
	uint64_t ns = elapsed_ns(&start);
	printf("call status=%llu result0=0x%llx result1=0x%llx result2=0x%llx ns=%llu\n", (unsigned long long)c.out[0],
	       (unsigned long long)c.out[1], (unsigned long long)c.out[2], (unsigned long long)c.out[3], (unsigned long long)ns);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int run_as(const char *id, char **argv)
{
	uid_t uid = (uid_t)strtoul(id, NULL, 0);
	if (setgroups(0, NULL) != 0 || setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0) {
		perror("redoubt-probe as");
		return 1;
	}
	execvp(argv[0], argv);
	perror("redoubt-probe as: exec");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "as") == 0)
		return run_as(argv[2], argv + 3);
	if (argc >= 3 && strcmp(argv[1], "vmmcall") == 0)
		return vmmcall(argc - 2, argv + 2);
	if (argc >= 3 && strcmp(argv[1], "call") == 0)
		return call(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "open") == 0)
		return probe_open(argv[2]);
	if (argc == 2 && strcmp(argv[1], "memory") == 0)
		return memory();
	if (argc == 3 && strcmp(argv[1], "info-loop") == 0)
		return info_loop(strtoull(argv[2], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "null-loop") == 0)
		return null_loop(strtoull(argv[2], NULL, 0));
	if (argc >= 4 && strcmp(argv[1], "exec-loop") == 0)
		return exec_loop(strtoull(argv[2], NULL, 0), argv + 3);
	if (argc == 4 && strcmp(argv[1], "storm") == 0)
		return storm(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	fprintf(stderr, "usage: redoubt-probe vmmcall NUMBER [ARG0..ARG5] | call NUMBER [ARG0..ARG5] | as UID PROGRAM [ARGS...] | open PATH | memory | info-loop COUNT | null-loop COUNT | exec-loop COUNT PROGRAM [ARGS...] | storm COUNT SEED\n");
	return 2;
}
