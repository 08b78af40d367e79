/*
 * Stand-in for include/linux/iommu.h: the IOMMU core's types and the calls a
 * driver makes into it.
 * Routes to: atslab's IOMMU core (src/linux/iommu), which stays ours: it
 * calls the driver through struct iommu_ops where it calls the hand-written
 * driver today (src/kernel_src/iommu_ops.cc). The calls a driver makes back
 * (registering itself, firmware IDs, the current domain, reserved regions,
 * fault reports) are atslab_iommu_* (src/kernel_src/abi_iommu.cc).
 * Types carry the members the SMMUv3 driver uses, of every tree built here
 * (6.12 and 7.2): a member one tree lacks is left NULL by its driver. Where
 * one member's type changed, atslab/tree_api.h (probed from the tree's own
 * iommu.h by cmake/KernelTree.cmake) says which form this tree has. The
 * values of the constants are the kernel's.
 */
#ifndef ATSLAB_LINUX_IOMMU_H
#define ATSLAB_LINUX_IOMMU_H

#include <atslab/smmu_abi.h>
#include <atslab/tree_api.h>
#include <linux/bug.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#define IOMMU_READ (1 << 0)
#define IOMMU_WRITE (1 << 1)
#define IOMMU_CACHE (1 << 2)
#define IOMMU_NOEXEC (1 << 3)
#define IOMMU_MMIO (1 << 4)
#define IOMMU_PRIV (1 << 5)

typedef unsigned int ioasid_t;
#define IOMMU_NO_PASID 0U
#define IOMMU_PASID_INVALID ((ioasid_t)-1)

#define __IOMMU_DOMAIN_PAGING (1U << 0)
#define __IOMMU_DOMAIN_DMA_API (1U << 1)
#define __IOMMU_DOMAIN_PT (1U << 2)
#define __IOMMU_DOMAIN_DMA_FQ (1U << 3)
#define __IOMMU_DOMAIN_SVA (1U << 4)
#define __IOMMU_DOMAIN_PLATFORM (1U << 5)
#define __IOMMU_DOMAIN_NESTED (1U << 6)
#define IOMMU_DOMAIN_BLOCKED (0U)
#define IOMMU_DOMAIN_IDENTITY (__IOMMU_DOMAIN_PT)
#define IOMMU_DOMAIN_UNMANAGED (__IOMMU_DOMAIN_PAGING)
#define IOMMU_DOMAIN_DMA (__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API)
#define IOMMU_DOMAIN_DMA_FQ (__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API | __IOMMU_DOMAIN_DMA_FQ)
#define IOMMU_DOMAIN_SVA (__IOMMU_DOMAIN_SVA)
#define IOMMU_DOMAIN_PLATFORM (__IOMMU_DOMAIN_PLATFORM)
#define IOMMU_DOMAIN_NESTED (__IOMMU_DOMAIN_NESTED)

enum iommu_cap {
	IOMMU_CAP_CACHE_COHERENCY,
	IOMMU_CAP_NOEXEC,
	IOMMU_CAP_PRE_BOOT_PROTECTION,
	IOMMU_CAP_ENFORCE_CACHE_COHERENCY,
	IOMMU_CAP_DEFERRED_FLUSH,
	IOMMU_CAP_DIRTY_TRACKING,
	IOMMU_CAP_PCI_ATS_SUPPORTED,
};

enum iommu_dev_features {
	IOMMU_DEV_FEAT_SVA,
	IOMMU_DEV_FEAT_IOPF,
};

enum iommu_resv_type {
	IOMMU_RESV_DIRECT,
	IOMMU_RESV_DIRECT_RELAXABLE,
	IOMMU_RESV_RESERVED,
	IOMMU_RESV_MSI,
	IOMMU_RESV_SW_MSI,
};

struct iommu_resv_region {
	struct list_head list;
	phys_addr_t start;
	size_t length;
	int prot;
	enum iommu_resv_type type;
	void (*free)(struct device *dev, struct iommu_resv_region *region);
};

/* Faults (page requests) reported to the core. */
enum iommu_fault_type {
	IOMMU_FAULT_PAGE_REQ = 1,
};
#define IOMMU_FAULT_PERM_READ (1 << 0)
#define IOMMU_FAULT_PERM_WRITE (1 << 1)
#define IOMMU_FAULT_PERM_EXEC (1 << 2)
#define IOMMU_FAULT_PERM_PRIV (1 << 3)
#define IOMMU_FAULT_PAGE_REQUEST_PASID_VALID (1 << 0)
#define IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE (1 << 1)
#define IOMMU_FAULT_PAGE_REQUEST_PRIV_DATA (1 << 2)
#define IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID (1 << 3)

struct iommu_fault_page_request {
	u32 flags;
	u32 pasid;
	u32 grpid;
	u32 perm;
	u64 addr;
	u64 private_data[2];
};

struct iommu_fault {
	u32 type;
	struct iommu_fault_page_request prm;
};

struct iopf_fault {
	struct iommu_fault fault;
	struct list_head list;
};

enum iommu_page_response_code {
	IOMMU_PAGE_RESP_SUCCESS = 0,
	IOMMU_PAGE_RESP_INVALID,
	IOMMU_PAGE_RESP_FAILURE,
};

struct iommu_page_response {
	u32 pasid;
	u32 grpid;
	u32 code;
};

struct iopf_queue {
	int unused;
};

struct iommu_domain_geometry {
	dma_addr_t aperture_start;
	dma_addr_t aperture_end;
	bool force_aperture;
};

struct iommu_iotlb_gather {
	unsigned long start;
	unsigned long end;
	size_t pgsize;
	struct list_head freelist;
	bool queued;
};

struct iova_bitmap;
struct iommu_dirty_bitmap {
	struct iova_bitmap *bitmap;
	struct iommu_iotlb_gather *gather;
};

struct iommu_user_data {
	unsigned int type;
	void *uptr;
	size_t len;
};

struct iommu_user_data_array {
	unsigned int type;
	void *uptr;
	size_t entry_len;
	u32 entry_num;
};

/*
 * copy_struct_from_user, for the VMM's structs: its buffers are the glue's, in this process.
 * `dst` gets min(dsize, usize) bytes and zeros after; a longer user struct must be zero past
 * `dsize` (-E2BIG), as the kernel's extensible-struct rule has it.
 */
static inline int atslab_copy_struct_from_user(void *dst, size_t dsize, const void *src, size_t usize)
{
	const unsigned char *tail = (const unsigned char *)src;
	size_t i;

	for (i = dsize; i < usize; i++)
		if (tail[i])
			return -E2BIG;
	__builtin_memcpy(dst, src, usize < dsize ? usize : dsize);
	if (usize < dsize)
		__builtin_memset((unsigned char *)dst + usize, 0, dsize - usize);
	return 0;
}

#define atslab_offsetofend(TYPE, MEMBER) (__builtin_offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))

/*
 * iommu_copy_struct_from_user: the driver's struct from the VMM's data of type `data_type`,
 * at least up to `min_last`; -EINVAL for another type or a shorter struct.
 */
static inline int atslab_iommu_copy_struct_from_user(void *dst, const struct iommu_user_data *src,
						     unsigned int data_type, size_t dsize, size_t min_len)
{
	if (WARN_ON(!dst || !src))
		return -EINVAL;
	if (src->type != data_type || src->len < min_len || dsize < src->len)
		return -EINVAL;
	return atslab_copy_struct_from_user(dst, dsize, src->uptr, src->len);
}
#define iommu_copy_struct_from_user(kdst, user_data, data_type, min_last)                           \
	atslab_iommu_copy_struct_from_user(kdst, user_data, data_type, sizeof(*(kdst)),            \
					   atslab_offsetofend(typeof(*(kdst)), min_last))

/*
 * iommu_copy_struct_from_full_user_array: every entry of the VMM's array into `kdst`, entries of
 * `kdst_entry_size` bytes; -EINVAL for another type or an empty array.
 */
static inline int iommu_copy_struct_from_full_user_array(void *kdst, size_t kdst_entry_size,
							 struct iommu_user_data_array *user_array,
							 unsigned int data_type)
{
	unsigned int i;
	int ret;

	if (user_array->type != data_type || !user_array->entry_num)
		return -EINVAL;
	for (i = 0; i != user_array->entry_num; i++) {
		ret = atslab_copy_struct_from_user((unsigned char *)kdst + kdst_entry_size * i, kdst_entry_size,
						   (const unsigned char *)user_array->uptr + user_array->entry_len * i,
						   user_array->entry_len);
		if (ret)
			return ret;
	}
	return 0;
}

struct iommu_domain;
struct iommu_group;
struct iopf_group;
struct iommufd_viommu;
enum iommu_viommu_type;
enum iommu_hw_info_type;
struct iommu_ops;
struct of_phandle_args;

struct iommu_dirty_ops {
	int (*set_dirty_tracking)(struct iommu_domain *domain, bool enabled);
	int (*read_and_clear_dirty)(struct iommu_domain *domain, unsigned long iova, size_t size,
				    unsigned long flags, struct iommu_dirty_bitmap *dirty);
};

struct iommu_domain_ops {
#ifdef ATSLAB_ATTACH_DEV_TAKES_OLD
	int (*attach_dev)(struct iommu_domain *domain, struct device *dev, struct iommu_domain *old);
#else
	int (*attach_dev)(struct iommu_domain *domain, struct device *dev);
#endif
	int (*set_dev_pasid)(struct iommu_domain *domain, struct device *dev, ioasid_t pasid,
			     struct iommu_domain *old);
	int (*map_pages)(struct iommu_domain *domain, unsigned long iova, phys_addr_t paddr, size_t pgsize,
			 size_t pgcount, int prot, gfp_t gfp, size_t *mapped);
	size_t (*unmap_pages)(struct iommu_domain *domain, unsigned long iova, size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *iotlb_gather);
	void (*flush_iotlb_all)(struct iommu_domain *domain);
	int (*iotlb_sync_map)(struct iommu_domain *domain, unsigned long iova, size_t size);
	void (*iotlb_sync)(struct iommu_domain *domain, struct iommu_iotlb_gather *iotlb_gather);
	int (*cache_invalidate_user)(struct iommu_domain *domain, struct iommu_user_data_array *array);
	phys_addr_t (*iova_to_phys)(struct iommu_domain *domain, dma_addr_t iova);
	bool (*enforce_cache_coherency)(struct iommu_domain *domain);
	int (*enable_nesting)(struct iommu_domain *domain);
	int (*set_pgtable_quirks)(struct iommu_domain *domain, unsigned long quirks);
	void (*free)(struct iommu_domain *domain);
};

struct iommu_domain {
	unsigned type;
	const struct iommu_domain_ops *ops;
	const struct iommu_dirty_ops *dirty_ops;
	const struct iommu_ops *owner;
	unsigned long pgsize_bitmap;
	struct iommu_domain_geometry geometry;
	void *iova_cookie;
	struct mm_struct *mm;
	int (*iopf_handler)(struct iopf_group *group);
	int users;
	struct list_head next;
};

struct iommu_device {
	struct list_head list;
	const struct iommu_ops *ops;
	struct fwnode_handle *fwnode;
	struct device *dev;
	struct iommu_group *singleton_group;
	u32 max_pasids;
};

struct iommu_ops {
	bool (*capable)(struct device *dev, enum iommu_cap cap);
#ifdef ATSLAB_TREE_VSMMU
	/* The trees whose vSMMU the stand-ins serve (7.2) type it (arm_smmu_hw_info, arm-smmu-v3-iommufd.c). */
	void *(*hw_info)(struct device *dev, u32 *length, enum iommu_hw_info_type *type);
#else
	void *(*hw_info)(struct device *dev, u32 *length, u32 *type);
#endif
	struct iommu_domain *(*domain_alloc)(unsigned int iommu_domain_type);
	struct iommu_domain *(*domain_alloc_user)(struct device *dev, u32 flags, struct iommu_domain *parent,
						  const struct iommu_user_data *user_data);
	struct iommu_domain *(*domain_alloc_paging)(struct device *dev);
	struct iommu_domain *(*domain_alloc_paging_flags)(struct device *dev, u32 flags,
							  const struct iommu_user_data *user_data);
	struct iommu_domain *(*domain_alloc_sva)(struct device *dev, struct mm_struct *mm);
	struct iommu_device *(*probe_device)(struct device *dev);
	void (*release_device)(struct device *dev);
	void (*probe_finalize)(struct device *dev);
	struct iommu_group *(*device_group)(struct device *dev);
	void (*get_resv_regions)(struct device *dev, struct list_head *list);
	int (*of_xlate)(struct device *dev, const struct of_phandle_args *args);
	bool (*is_attach_deferred)(struct device *dev);
	int (*dev_enable_feat)(struct device *dev, enum iommu_dev_features f);
	int (*dev_disable_feat)(struct device *dev, enum iommu_dev_features f);
	void (*page_response)(struct device *dev, struct iopf_fault *evt, struct iommu_page_response *msg);
	int (*def_domain_type)(struct device *dev);
	void (*remove_dev_pasid)(struct device *dev, ioasid_t pasid, struct iommu_domain *domain);
	size_t (*get_viommu_size)(struct device *dev, enum iommu_viommu_type viommu_type);
	int (*viommu_init)(struct iommufd_viommu *viommu, struct iommu_domain *parent_domain,
			   const struct iommu_user_data *user_data);
	const struct iommu_domain_ops *default_domain_ops;
	unsigned long pgsize_bitmap;
	struct module *owner;
	struct iommu_domain *identity_domain;
	struct iommu_domain *blocked_domain;
	struct iommu_domain *release_domain;
	struct iommu_domain *default_domain;
	u8 user_pasid_table : 1;
};

#define IOMMU_FWSPEC_PCI_RC_ATS (1 << 0)
#define IOMMU_FWSPEC_PCI_RC_CANWBS (1 << 1)

struct iommu_fwspec {
	struct fwnode_handle *iommu_fwnode;
	u32 flags;
	unsigned int num_ids;
	u32 ids[];
};

struct dev_iommu {
	struct mutex lock;
	struct iommu_fwspec *fwspec;
	struct iommu_device *iommu_dev;
	void *priv;
	u32 max_pasids;
	u32 attach_deferred : 1;
	u32 pci_32bit_workaround : 1;
	u32 require_direct : 1;
	u32 shadow_on_flush : 1;
};

/* IORT reserved memory regions (none without ACPI). */
struct iommu_iort_rmr_data {
	struct iommu_resv_region rr;
	const u32 *sids;
	u32 num_sids;
};

static inline struct iommu_fwspec *dev_iommu_fwspec_get(struct device *dev)
{
	return dev->iommu ? dev->iommu->fwspec : NULL;
}
static inline void *dev_iommu_priv_get(struct device *dev) { return dev->iommu ? dev->iommu->priv : NULL; }
static inline void dev_iommu_priv_set(struct device *dev, void *priv) { dev->iommu->priv = priv; }

static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather)
{
	*gather = (struct iommu_iotlb_gather){ .start = ~0UL };
	INIT_LIST_HEAD(&gather->freelist);
}

static inline void iommu_iotlb_sync(struct iommu_domain *domain, struct iommu_iotlb_gather *iotlb_gather)
{
	if (domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain, iotlb_gather);
	iommu_iotlb_gather_init(iotlb_gather);
}

static inline bool iommu_iotlb_gather_is_disjoint(struct iommu_iotlb_gather *gather, unsigned long iova, size_t size)
{
	unsigned long start = iova, end = start + size - 1;
	return gather->end != 0 && (end + 1 < gather->start || start > gather->end + 1);
}

static inline void iommu_iotlb_gather_add_range(struct iommu_iotlb_gather *gather, unsigned long iova, size_t size)
{
	unsigned long end = iova + size - 1;
	if (gather->start > iova)
		gather->start = iova;
	if (gather->end < end)
		gather->end = end;
}

/* Gathers a page to flush later; a page of another size, or one not next to the range, flushes first. */
static inline void iommu_iotlb_gather_add_page(struct iommu_domain *domain, struct iommu_iotlb_gather *gather,
					       unsigned long iova, size_t size)
{
	if ((gather->pgsize && gather->pgsize != size) || iommu_iotlb_gather_is_disjoint(gather, iova, size))
		iommu_iotlb_sync(domain, gather);
	gather->pgsize = size;
	iommu_iotlb_gather_add_range(gather, iova, size);
}

static inline bool iommu_iotlb_gather_queued(struct iommu_iotlb_gather *gather) { return gather && gather->queued; }

/* Dirty tracking (HTTU) is not modelled: a dirty range is only gathered for its flush. */
#define IOMMU_DIRTY_NO_CLEAR (1 << 0)
static inline void iommu_dirty_bitmap_record(struct iommu_dirty_bitmap *dirty, unsigned long iova, unsigned long length)
{
	if (dirty->gather)
		iommu_iotlb_gather_add_range(dirty->gather, iova, length);
}

/* The calls into the IOMMU core (src/kernel_src/abi_iommu.cc). */
int iommu_device_register(struct iommu_device *iommu, const struct iommu_ops *ops, struct device *hwdev);
void iommu_device_unregister(struct iommu_device *iommu);
int iommu_device_sysfs_add(struct iommu_device *iommu, struct device *parent, const void *groups,
			   const char *fmt, ...);
void iommu_device_sysfs_remove(struct iommu_device *iommu);
int iommu_fwspec_add_ids(struct device *dev, const u32 *ids, int num_ids);
struct iommu_domain *iommu_get_domain_for_dev(struct device *dev);
struct iommu_domain *iommu_driver_get_domain_for_dev(struct device *dev);
struct iommu_group *generic_device_group(struct device *dev);
struct iommu_group *pci_device_group(struct device *dev);
struct iommu_resv_region *iommu_alloc_resv_region(phys_addr_t start, size_t length, int prot,
						  enum iommu_resv_type type, gfp_t gfp);
int iommu_report_device_fault(struct device *dev, struct iopf_fault *evt);
struct iopf_queue *iopf_queue_alloc(const char *name);
void iopf_queue_free(struct iopf_queue *queue);
int iopf_queue_add_device(struct iopf_queue *queue, struct device *dev);
void iopf_queue_remove_device(struct iopf_queue *queue, struct device *dev);
/* The group mutex is the core's: the core holds it around every driver call (src/linux/iommu). */
static inline void iommu_group_mutex_assert(struct device *dev) { (void)dev; }

#endif
