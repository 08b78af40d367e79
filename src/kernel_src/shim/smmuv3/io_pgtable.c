/*
 * Ours, a plain stub for now: the io-pgtable allocator (drivers/iommu/io-pgtable.c
 * with io-pgtable-arm.c) is not built yet, so a paging domain's finalise fails
 * with -ENOMEM (docs/kernel-source.md, "Not yet"). Identity and blocked
 * domains, and everything up to a paging domain's page table, run.
 */
#include <linux/io-pgtable.h>

struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt, struct io_pgtable_cfg *cfg, void *cookie)
{
	(void)fmt;
	(void)cfg;
	(void)cookie;
	return NULL;
}

void free_io_pgtable_ops(struct io_pgtable_ops *ops)
{
	(void)ops;
}
