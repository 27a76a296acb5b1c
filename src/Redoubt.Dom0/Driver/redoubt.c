// SPDX-License-Identifier: GPL-2.0
/*
 * redoubt.ko: Dom0's driver for Redoubt's hypercalls (docs/dom0-driver.md), like Xen's privcmd.
 * /dev/redoubt (root only, 0600) carries hypercalls as ioctls (redoubt_ioctl.h). VMMCALL is
 * issued here, at CPL 0: Redoubt refuses it from user space. The driver owns every physical
 * address that crosses the boundary: a buffer call uses a copy in pages the driver allocates,
 * and memory given to a VM is pages it allocates, pins and tracks per open file. Closing the
 * file reclaims them; a page Redoubt does not give back is leaked (logged), never returned to
 * Linux, which could not touch it.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/processor.h>

#include "redoubt_ioctl.h"

/* docs/spec/abi.md: hypercall numbers and the status the driver looks at. */
#define HC_INFO 0x00
#define HC_VM_DESTROY 0x11
#define HC_MEM_DONATE 0x12
#define HC_MEM_RECLAIM 0x13
#define HC_VM_LOAD 0x14
#define HC_VCPU_SET_STATE 0x17
#define HC_VCPU_RUN 0x1A
#define HC_VM_REPORT 0x1B
#define STATUS_SUCCESS 0

/* Pages given to a VM through this file. */
struct redoubt_donation {
	struct list_head link;
	struct page *first;
	u64 vm, guest, pages;
};

struct redoubt_file {
	struct mutex lock;
	struct list_head donations;
};

static void redoubt_vmmcall(const u64 in[7], u64 out[4])
{
	register u64 r10 asm("r10") = in[4];
	register u64 r8 asm("r8") = in[5];
	register u64 r9 asm("r9") = in[6];
	u64 rax = in[0], rdi = in[1], rsi = in[2], rdx = in[3];

	/* Redoubt preserves every register but the four results. */
	asm volatile("vmmcall"
		     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx)
		     : "r"(r10), "r"(r8), "r"(r9)
		     : "memory");
	out[0] = rax;
	out[1] = rdi;
	out[2] = rsi;
	out[3] = rdx;
}

static u64 redoubt_call(u64 number, u64 a0, u64 a1, u64 a2, u64 a3)
{
	u64 in[7] = { number, a0, a1, a2, a3, 0, 0 }, out[4];

	redoubt_vmmcall(in, out);
	return out[0];
}

/* The argument that carries a call's buffer address (the length is the next), or -1. */
static int redoubt_buffer_arg(u64 number)
{
	switch (number) {
	case HC_INFO:
		return 0;
	case HC_VM_LOAD:
		return 2;
	case HC_VCPU_SET_STATE:
	case HC_VCPU_RUN:
	case HC_VM_REPORT:
		return 1;
	default:
		return -1;
	}
}

static long redoubt_buffer_call(struct redoubt_buffer_call __user *user)
{
	struct redoubt_buffer_call call;
	void *buffer;
	size_t size;
	long ret = 0;
	int arg;

	if (copy_from_user(&call, user, sizeof(call)))
		return -EFAULT;
	arg = redoubt_buffer_arg(call.call.in[0]);
	if (arg < 0 || call.length == 0 || call.length > REDOUBT_BUFFER_MAX)
		return -EINVAL;
	size = PAGE_ALIGN(call.length);
	/* Zeroed, physically contiguous, never moved: the buddy allocator's direct-mapped pages. */
	buffer = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
	if (!buffer)
		return -ENOMEM;
	if (copy_from_user(buffer, u64_to_user_ptr(call.buffer), call.length)) {
		ret = -EFAULT;
		goto out;
	}
	/* Dom0 is mapped 1:1: the physical address is the guest-physical one Redoubt takes. */
	call.call.in[1 + arg] = virt_to_phys(buffer);
	call.call.in[2 + arg] = call.length;
	redoubt_vmmcall(call.call.in, call.call.out);
	if (copy_to_user(u64_to_user_ptr(call.buffer), buffer, call.length) ||
	    copy_to_user(user->call.out, call.call.out, sizeof(call.call.out)))
		ret = -EFAULT;
out:
	free_pages_exact(buffer, size);
	return ret;
}

static void redoubt_free_donation(struct redoubt_donation *d)
{
	u64 i;

	for (i = 0; i < d->pages; i++)
		__free_page(d->first + i);
	list_del(&d->link);
	kfree(d);
}

/* Pages still with Redoubt (or with a VM) are never given back to Linux. */
static void redoubt_leak_donation(struct redoubt_donation *d, u64 status)
{
	pr_warn("redoubt: leaking %llu pages at physical 0x%llx (VM slot %llu, guest 0x%llx): MemReclaim returned status %llu, so Redoubt may still hold them\n",
		d->pages, (u64)page_to_phys(d->first), d->vm, d->guest, status);
	list_del(&d->link);
	kfree(d);
}

static long redoubt_donate(struct redoubt_file *file, struct redoubt_memory *m)
{
	struct redoubt_donation *d, *other;
	unsigned int order;
	u64 i;

	if (m->pages == 0 || m->pages > REDOUBT_DONATE_MAX)
		return -EINVAL;
	list_for_each_entry(other, &file->donations, link) {
		if (other->vm == m->vm && m->guest < other->guest + other->pages * PAGE_SIZE &&
		    other->guest < m->guest + m->pages * PAGE_SIZE)
			return -EEXIST;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	order = get_order(m->pages * PAGE_SIZE);
	/* Zeroed: a VM must not see what Dom0 left in them. */
	d->first = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
	if (!d->first) {
		kfree(d);
		return -ENOMEM;
	}
	split_page(d->first, order);
	for (i = m->pages; i < (1ull << order); i++)
		__free_page(d->first + i);
	d->vm = m->vm;
	d->guest = m->guest;
	d->pages = m->pages;
	list_add(&d->link, &file->donations);
	m->status = redoubt_call(HC_MEM_DONATE, m->vm, page_to_phys(d->first), m->pages, m->guest);
	/* Refused: the pages never left Dom0. */
	if (m->status != STATUS_SUCCESS)
		redoubt_free_donation(d);
	return 0;
}

static long redoubt_reclaim(struct redoubt_file *file, struct redoubt_memory *m)
{
	struct redoubt_donation *d;

	list_for_each_entry(d, &file->donations, link) {
		if (d->vm == m->vm && d->guest == m->guest && d->pages == m->pages) {
			m->status = redoubt_call(HC_MEM_RECLAIM, m->vm, m->guest, m->pages, 0);
			if (m->status == STATUS_SUCCESS)
				redoubt_free_donation(d);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * VmDestroy. The pages donated through `vm` are first reclaimed one range at a time: only a
 * range Redoubt confirms it took back goes back to Linux. (VmDestroy gives every frame back too,
 * but if the slot was revoked and reused behind the driver's back, it names another VM, and the
 * old one may still hold the pages.) A range Redoubt does not give back stays recorded.
 */
static long redoubt_destroy(struct redoubt_file *file, struct redoubt_memory *m)
{
	struct redoubt_donation *d, *next;

	list_for_each_entry_safe(d, next, &file->donations, link) {
		if (d->vm == m->vm &&
		    redoubt_call(HC_MEM_RECLAIM, d->vm, d->guest, d->pages, 0) == STATUS_SUCCESS)
			redoubt_free_donation(d);
	}
	m->status = redoubt_call(HC_VM_DESTROY, m->vm, 0, 0, 0);
	return 0;
}

static long redoubt_memory_ioctl(struct redoubt_file *file, unsigned int cmd, struct redoubt_memory __user *user)
{
	struct redoubt_memory m;
	long ret;

	if (copy_from_user(&m, user, sizeof(m)))
		return -EFAULT;
	mutex_lock(&file->lock);
	if (cmd == REDOUBT_IOCTL_DONATE)
		ret = redoubt_donate(file, &m);
	else if (cmd == REDOUBT_IOCTL_RECLAIM)
		ret = redoubt_reclaim(file, &m);
	else
		ret = redoubt_destroy(file, &m);
	mutex_unlock(&file->lock);
	if (ret == 0 && put_user(m.status, &user->status))
		ret = -EFAULT;
	return ret;
}

static long redoubt_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	void __user *user = (void __user *)arg;
	struct redoubt_hypercall call;

	switch (cmd) {
	case REDOUBT_IOCTL_HYPERCALL:
		if (copy_from_user(&call, user, sizeof(call)))
			return -EFAULT;
		redoubt_vmmcall(call.in, call.out);
		if (copy_to_user(user, &call, sizeof(call)))
			return -EFAULT;
		return 0;
	case REDOUBT_IOCTL_BUFFER_CALL:
		return redoubt_buffer_call(user);
	case REDOUBT_IOCTL_DONATE:
	case REDOUBT_IOCTL_RECLAIM:
	case REDOUBT_IOCTL_DESTROY:
		return redoubt_memory_ioctl(filp->private_data, cmd, user);
	default:
		return -ENOTTY;
	}
}

static int redoubt_open(struct inode *inode, struct file *filp)
{
	struct redoubt_file *file;

	/* The node is 0600 root; this holds also if someone loosens its mode. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	file = kzalloc(sizeof(*file), GFP_KERNEL);
	if (!file)
		return -ENOMEM;
	mutex_init(&file->lock);
	INIT_LIST_HEAD(&file->donations);
	filp->private_data = file;
	return 0;
}

static int redoubt_release(struct inode *inode, struct file *filp)
{
	struct redoubt_file *file = filp->private_data;
	struct redoubt_donation *d, *next;
	u64 status;

	list_for_each_entry_safe(d, next, &file->donations, link) {
		status = redoubt_call(HC_MEM_RECLAIM, d->vm, d->guest, d->pages, 0);
		if (status == STATUS_SUCCESS)
			redoubt_free_donation(d);
		else
			redoubt_leak_donation(d, status);
	}
	kfree(file);
	return 0;
}

static const struct file_operations redoubt_fops = {
	.owner = THIS_MODULE,
	.open = redoubt_open,
	.release = redoubt_release,
	.unlocked_ioctl = redoubt_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice redoubt_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "redoubt",
	.fops = &redoubt_fops,
	.mode = 0600,
};

/* CPUID leaf 4000_0000h says "RedoubtHV": outside Redoubt VMMCALL would be #UD in the kernel. */
static bool redoubt_present(void)
{
	unsigned int eax, sig[3];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(0x40000000, &eax, &sig[0], &sig[1], &sig[2]);
	return eax >= 0x40000000 && memcmp(sig, "RedoubtHV\0\0\0", 12) == 0;
}

static int __init redoubt_init(void)
{
	int ret;

	if (!redoubt_present()) {
		pr_info("redoubt: not running under Redoubt (no RedoubtHV CPUID leaf): no /dev/redoubt\n");
		return -ENODEV;
	}
	ret = misc_register(&redoubt_device);
	if (ret == 0)
		pr_info("redoubt: /dev/redoubt ready\n");
	return ret;
}

static void __exit redoubt_exit(void)
{
	misc_deregister(&redoubt_device);
}

module_init(redoubt_init);
module_exit(redoubt_exit);
MODULE_DESCRIPTION("Redoubt hypercalls for Dom0 (/dev/redoubt)");
MODULE_LICENSE("GPL");
