/*
 * Ours: the translation unit that compiles the kernel tree's SMMUv3 driver.
 * It includes drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c (from the build
 * folder's copy of the tree) unchanged, as tools/testing/vma includes
 * mm/vma.c, so the driver's static functions are reachable from the glue
 * below it.
 */
/*
 * The driver's calls into drivers/pci/ats.c meet atslab's fault points first,
 * where the model's do (src/linux/pci/ats.cc): renamed here, the renamed
 * functions (below) ask the point and then call the tree's own.
 */
#define pci_enable_ats atslab_driver_pci_enable_ats
#define pci_prepare_ats atslab_driver_pci_prepare_ats
#include "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c"
/*
 * Its SVA half (CONFIG_ARM_SMMU_V3_SVA, linux/kconfig.h), in the same unit so
 * that its file-scope sva_lock is reachable for a new boot. Its own
 * __FILE__ stays drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c.
 */
#ifdef CONFIG_ARM_SMMU_V3_SVA
#include "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c"
#endif
/*
 * Its vSMMU half (CONFIG_ARM_SMMU_V3_IOMMUFD, linux/kconfig.h: a tree with 7.2's
 * arm-smmu-v3-iommufd.c), in the same unit so that its static functions
 * (arm_smmu_attach_dev_nested, arm_vsmmu_vdevice_init) are reachable by the
 * entry points below only through the ops the driver fills, as iommufd's are.
 */
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
#include "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c"
#endif
#undef pci_enable_ats
#undef pci_prepare_ats
/* The vIOMMU entry points below, for a tree whose header does not include it (6.12). */
#include <linux/iommufd.h>

int pci_enable_ats(struct pci_dev *dev, int ps);
int pci_prepare_ats(struct pci_dev *dev, int ps);

int atslab_driver_pci_enable_ats(struct pci_dev *dev, int ps)
{
	int err = atslab_fault_inject("pci_enable_ats");

	return err ? err : pci_enable_ats(dev, ps);
}

int atslab_driver_pci_prepare_ats(struct pci_dev *dev, int ps)
{
	int err = atslab_fault_inject("pci_prepare_ats");

	return err ? err : pci_prepare_ats(dev, ps);
}

int atslab_arm_smmu_device_probe(struct platform_device *pdev);
const struct iommu_ops *atslab_arm_smmu_ops(void);
bool atslab_arm_smmu_has_release_domain(void);
bool atslab_arm_smmu_has_invs(void);
bool atslab_arm_smmu_has_master_prepare_ats(void);
void atslab_arm_smmu_new_boot(void);
int atslab_arm_smmu_probe_device(struct device *dev);
void atslab_arm_smmu_release_device(struct device *dev);
int atslab_arm_smmu_master_state(struct device *dev, bool *ats_enabled, unsigned int *num_streams);
struct iommu_domain *atslab_arm_smmu_domain_alloc_paging(struct device *dev, bool dma, int *err);
struct iommu_domain *atslab_arm_smmu_static_domain(bool blocked);
int atslab_arm_smmu_attach_dev(struct iommu_domain *domain, struct device *dev);
int atslab_arm_smmu_map(struct iommu_domain *domain, u64 iova, u64 paddr, u64 size, int prot);
u64 atslab_arm_smmu_unmap(struct iommu_domain *domain, u64 iova, u64 size);
void atslab_arm_smmu_domain_free(struct iommu_domain *domain);
int atslab_arm_smmu_domain_state(struct iommu_domain *domain, int *nr_ats_masters, unsigned int *devices);
u32 atslab_arm_smmu_master_sid(struct device *dev, unsigned int i);
struct device *atslab_arm_smmu_domain_device(struct iommu_domain *domain, unsigned int i);
int atslab_arm_smmu_domain_key(struct iommu_domain *domain, bool *s2, u32 *asid_or_vmid, bool *nest_parent);
int atslab_arm_smmu_nested_state(struct iommu_domain *domain, u64 *vste, bool *enable_ats, struct iommu_domain **parent);
struct device *atslab_arm_smmu_nested_device(struct iommu_domain *domain, unsigned int i);
u32 atslab_arm_smmu_domain_device_ssid(struct iommu_domain *domain, unsigned int i);
int atslab_arm_smmu_domain_invs(struct iommu_domain *domain, u64 *num_invs, u64 *num_trashes, u64 *max_invs,
				bool *has_ats);
int atslab_arm_smmu_domain_inv(struct iommu_domain *domain, unsigned int i, int *type, u32 *id, u32 *ssid, int *users);
bool atslab_arm_smmu_has_set_dev_pasid(struct iommu_domain *domain);
bool atslab_arm_smmu_has_remove_dev_pasid(void);
int atslab_arm_smmu_set_dev_pasid(struct iommu_domain *domain, struct device *dev, u32 pasid, struct iommu_domain *old);
int atslab_arm_smmu_remove_dev_pasid(struct device *dev, u32 pasid, struct iommu_domain *domain);
int atslab_arm_smmu_master_ssid_bits(struct device *dev);
unsigned int atslab_arm_smmu_master_used_ssids(struct device *dev);
struct iommu_domain *atslab_arm_smmu_domain_alloc_sva(struct device *dev, struct mm_struct *mm, int *err);
int atslab_arm_smmu_dev_enable_sva(struct device *dev);
bool atslab_arm_smmu_has_dev_enable_feat(void);
bool atslab_arm_smmu_has_sva(void);
int atslab_arm_smmu_dev_disable_sva(struct device *dev);
bool atslab_arm_smmu_has_iommufd_pasid(void);
bool atslab_arm_smmu_has_vsmmu(void);
struct iommu_domain *atslab_arm_smmu_domain_alloc_nest_parent(struct device *dev, int *err);
size_t atslab_arm_smmu_viommu_size(struct device *dev);
struct iommufd_viommu *atslab_arm_smmu_viommu_init(struct device *dev, struct iommu_domain *parent, u32 atslab_id,
						   int *err);
int atslab_arm_smmu_vdevice_init(struct iommufd_viommu *viommu, struct device *dev, u64 virt_id);
struct iommu_domain *atslab_arm_smmu_alloc_domain_nested(struct iommufd_viommu *viommu, const u64 *vste, int *err);
int atslab_arm_smmu_cache_invalidate(struct iommufd_viommu *viommu, const u64 *cmds, u32 n, u32 *done);

/*
 * The driver's ways in, for the glue (src/kernel_src/smmuv3/iommu_ops.cc): its
 * platform driver's probe and its iommu_ops, as the kernel's driver core and
 * IOMMU core reach them.
 */
int atslab_arm_smmu_device_probe(struct platform_device *pdev)
{
	/* What the driver core's really_probe does first: the device is bound while probing. */
	pdev->dev.driver = &arm_smmu_driver.driver;
	return arm_smmu_driver.probe(pdev);
}

const struct iommu_ops *atslab_arm_smmu_ops(void)
{
	return &arm_smmu_ops;
}

/*
 * A new boot in the same process (SourceKernel::reset): the driver's file-scope
 * state starts as the kernel's does. The ASID xarray is the only one that
 * changes (the static domains and ops are constant); its old nodes are leaked
 * with the rest of the old heap.
 */
void atslab_arm_smmu_new_boot(void)
{
	xa_init_flags(&arm_smmu_asid_xa, XA_FLAGS_ALLOC1);
#ifdef ATSLAB_TREE_SVA
	/*
	 * 6.12's arm-smmu-v3-sva.c's one file-scope variable: a call abandoned by an atslab error may
	 * have left it held. 7.2's file has none.
	 */
	mutex_init(&sva_lock);
#endif
}

/*
 * Whether the core attaches a release domain before release_device (the
 * 2026 trees' ops do; 6.12's release_device attaches blocked itself).
 */
bool atslab_arm_smmu_has_release_domain(void)
{
	return arm_smmu_ops.release_domain != NULL;
}

/* The driver keeps invalidation arrays (struct arm_smmu_invs: 7.2), not only nr_ats_masters. */
bool atslab_arm_smmu_has_invs(void)
{
#ifdef arm_smmu_invs_for_each_entry
	return true;
#else
	return false;
#endif
}

/* The probe prepares ATS through arm_smmu_master_prepare_ats (atslab/tree_api.h says; 7.2). */
bool atslab_arm_smmu_has_master_prepare_ats(void)
{
#ifdef ATSLAB_TREE_MASTER_PREPARE_ATS
	return true;
#else
	return false;
#endif
}

/* iommu_ops->probe_device as the IOMMU core calls it: 0, or the error it returned. */
int atslab_arm_smmu_probe_device(struct device *dev)
{
	struct iommu_device *iommu = arm_smmu_ops.probe_device(dev);

	/*
	 * A failed probe may leave dev->iommu->priv pointing at the master it
	 * freed (7.2's error path does not clear it): the core's
	 * __iommu_probe_device frees dev->iommu then (dev_iommu_free), priv with it.
	 */
	if (IS_ERR(iommu)) {
		dev_iommu_priv_set(dev, NULL);
		return (int)PTR_ERR(iommu);
	}
	dev->iommu->iommu_dev = iommu;
	return 0;
}

void atslab_arm_smmu_release_device(struct device *dev)
{
	arm_smmu_ops.release_device(dev);
	dev->iommu->iommu_dev = NULL;
	dev_iommu_priv_set(dev, NULL);
}

/*
 * What the checks read of the driver's own state, compiled against the tree's
 * arm-smmu-v3.h: the master's ATS belief and its streams. -ENODEV without a master.
 */
int atslab_arm_smmu_master_state(struct device *dev, bool *ats_enabled, unsigned int *num_streams)
{
	struct arm_smmu_master *master = dev->iommu ? dev_iommu_priv_get(dev) : NULL;

	if (!master)
		return -ENODEV;
	*ats_enabled = master->ats_enabled;
	*num_streams = master->num_streams;
	return 0;
}

/*
 * A paging domain as the IOMMU core allocates one (iommu_paging_domain_alloc,
 * __iommu_domain_alloc): the driver's domain_alloc_paging for the device, or
 * its domain_alloc_paging_flags with no flags where it has only that (7.2),
 * then the core's own fields (type, owner, the default ops).
 */
struct iommu_domain *atslab_arm_smmu_domain_alloc_paging(struct device *dev, bool dma, int *err)
{
	struct iommu_domain *domain;

	if (arm_smmu_ops.domain_alloc_paging)
		domain = arm_smmu_ops.domain_alloc_paging(dev);
	else if (arm_smmu_ops.domain_alloc_paging_flags)
		domain = arm_smmu_ops.domain_alloc_paging_flags(dev, 0, NULL);
	else
		domain = ERR_PTR(-EOPNOTSUPP);
	if (!domain)
		domain = ERR_PTR(-ENOMEM);
	if (IS_ERR(domain)) {
		*err = (int)PTR_ERR(domain);
		return NULL;
	}
	domain->type = dma ? IOMMU_DOMAIN_DMA : IOMMU_DOMAIN_UNMANAGED;
	domain->owner = &arm_smmu_ops;
	if (!domain->ops)
		domain->ops = arm_smmu_ops.default_domain_ops;
	*err = 0;
	return domain;
}

struct iommu_domain *atslab_arm_smmu_static_domain(bool blocked)
{
	return blocked ? arm_smmu_ops.blocked_domain : arm_smmu_ops.identity_domain;
}

/*
 * __iommu_attach_device's call: the domain's attach_dev, handed the domain the
 * device leaves where the tree's interface has that argument (the core's
 * group->domain: none before the first attach).
 */
int atslab_arm_smmu_attach_dev(struct iommu_domain *domain, struct device *dev)
{
#ifdef ATSLAB_ATTACH_DEV_TAKES_OLD
	return domain->ops->attach_dev(domain, dev, atslab_iommu_current_domain(dev));
#else
	return domain->ops->attach_dev(domain, dev);
#endif
}

/*
 * iommu_map / iommu_unmap as the core runs them, in the domain's smallest page
 * size (the core would use bigger pages where alignment allows; atslab's
 * ranges are a few pages): a range not aligned to it is refused as the core
 * refuses it (-EINVAL; nothing unmapped), then map_pages, or unmap_pages into
 * a gather, then iotlb_sync.
 */
static u64 atslab_min_pagesz(struct iommu_domain *domain)
{
	return domain->pgsize_bitmap & -domain->pgsize_bitmap;
}

int atslab_arm_smmu_map(struct iommu_domain *domain, u64 iova, u64 paddr, u64 size, int prot)
{
	u64 pgsize = atslab_min_pagesz(domain);
	size_t mapped = 0;
	int ret;

	if (!domain->ops->map_pages)
		return -ENODEV;
	if (!pgsize || ((iova | paddr | size) & (pgsize - 1)))
		return -EINVAL;
	ret = domain->ops->map_pages(domain, iova, paddr, pgsize, size / pgsize, prot, GFP_KERNEL, &mapped);
	if (!ret && domain->ops->iotlb_sync_map)
		ret = domain->ops->iotlb_sync_map(domain, iova, size);
	return ret;
}

u64 atslab_arm_smmu_unmap(struct iommu_domain *domain, u64 iova, u64 size)
{
	u64 pgsize = atslab_min_pagesz(domain);
	struct iommu_iotlb_gather gather;
	size_t unmapped;

	if (!domain->ops->unmap_pages)
		return 0;
	if (!pgsize || ((iova | size) & (pgsize - 1)))
		return 0;
	iommu_iotlb_gather_init(&gather);
	unmapped = domain->ops->unmap_pages(domain, iova, pgsize, size / pgsize, &gather);
	iommu_iotlb_sync(domain, &gather);
	return unmapped;
}

void atslab_arm_smmu_domain_free(struct iommu_domain *domain)
{
	domain->ops->free(domain);
}

/*
 * What the checks read of a domain, compiled against the tree's header: nr_ats_masters, the
 * devices list. A paging domain or an SVA one (an arm_smmu_domain too: its PASID attach counts
 * nr_ats_masters and lists the master as a paging domain's does).
 */
#define ATSLAB_SMMU_DOMAIN_TYPES (__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_SVA)

int atslab_arm_smmu_domain_state(struct iommu_domain *domain, int *nr_ats_masters, unsigned int *devices)
{
	struct arm_smmu_domain *smmu_domain;
	struct arm_smmu_master_domain *md;

	if (!(domain->type & ATSLAB_SMMU_DOMAIN_TYPES))
		return -EINVAL;
	smmu_domain = to_smmu_domain(domain);
	*nr_ats_masters = atomic_read(&smmu_domain->nr_ats_masters);
	*devices = 0;
	list_for_each_entry(md, &smmu_domain->devices, devices_elm)
		(*devices)++;
	return 0;
}

/* The master's i-th StreamID (i below num_streams), for the checks that read its STEs. */
u32 atslab_arm_smmu_master_sid(struct device *dev, unsigned int i)
{
	struct arm_smmu_master *master = dev_iommu_priv_get(dev);

	return master->streams[i].id;
}

/*
 * The device of the i-th entry on a paging domain's devices list (NULL past
 * its end): the checks count the attachments whose PCI ATS is really on.
 */
struct device *atslab_arm_smmu_domain_device(struct iommu_domain *domain, unsigned int i)
{
	struct arm_smmu_domain *smmu_domain = to_smmu_domain(domain);
	struct arm_smmu_master_domain *md;

	list_for_each_entry(md, &smmu_domain->devices, devices_elm)
		if (!i--)
			return md->master->dev;
	return NULL;
}

/* The domain's stage and its ASID (stage 1) or VMID (stage 2): the tag its attachments invalidate. */
int atslab_arm_smmu_domain_key(struct iommu_domain *domain, bool *s2, u32 *asid_or_vmid, bool *nest_parent)
{
	struct arm_smmu_domain *smmu_domain;

	if (!(domain->type & ATSLAB_SMMU_DOMAIN_TYPES))
		return -EINVAL;
	smmu_domain = to_smmu_domain(domain);
	*s2 = smmu_domain->stage == ARM_SMMU_DOMAIN_S2;
	*asid_or_vmid = *s2 ? smmu_domain->s2_cfg.vmid : smmu_domain->cd.asid;
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
	*nest_parent = smmu_domain->nest_parent;
#else
	*nest_parent = false; /* 6.12's domains have no such member: no nesting */
#endif
	return 0;
}

/*
 * A nested domain (arm-smmu-v3-iommufd.c), for the checks: the guest's vSTE as the driver keeps
 * it (validated, EATS cleared), enable_ats, and its vSMMU's S2 parent. -EINVAL for another type.
 */
int atslab_arm_smmu_nested_state(struct iommu_domain *domain, u64 *vste, bool *enable_ats, struct iommu_domain **parent)
{
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
	struct arm_smmu_nested_domain *nested;

	if (domain->type != IOMMU_DOMAIN_NESTED)
		return -EINVAL;
	nested = to_smmu_nested_domain(domain);
	vste[0] = le64_to_cpu(nested->ste[0]);
	vste[1] = le64_to_cpu(nested->ste[1]);
	*enable_ats = nested->enable_ats;
	*parent = &nested->vsmmu->s2_parent->domain;
	return 0;
#else
	(void)domain;
	(void)vste;
	(void)enable_ats;
	(void)parent;
	return -EINVAL;
#endif
}

/*
 * The device of the i-th attachment of a nested domain: the master_domains threaded onto its S2
 * parent's devices list that name it (NULL past the last).
 */
struct device *atslab_arm_smmu_nested_device(struct iommu_domain *domain, unsigned int i)
{
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
	struct arm_smmu_domain *parent = to_smmu_nested_domain(domain)->vsmmu->s2_parent;
	struct arm_smmu_master_domain *md;

	list_for_each_entry(md, &parent->devices, devices_elm)
		if (md->domain == domain && !i--)
			return md->master->dev;
#else
	(void)domain;
	(void)i;
#endif
	return NULL;
}

/* The SSID of the i-th attachment on a paging domain's devices list (IOMMU_NO_PASID past its end). */
u32 atslab_arm_smmu_domain_device_ssid(struct iommu_domain *domain, unsigned int i)
{
	struct arm_smmu_domain *smmu_domain = to_smmu_domain(domain);
	struct arm_smmu_master_domain *md;

	list_for_each_entry(md, &smmu_domain->devices, devices_elm)
		if (!i--)
			return md->ssid;
	return IOMMU_NO_PASID;
}

/*
 * The domain's published invalidation array (7.2: smmu_domain->invs), for
 * invariants 14 and 15: its shape, then entry by entry. -EOPNOTSUPP for a
 * tree without arrays (6.12), -ENOENT past the last entry.
 */
int atslab_arm_smmu_domain_invs(struct iommu_domain *domain, u64 *num_invs, u64 *num_trashes, u64 *max_invs,
				bool *has_ats)
{
#ifdef arm_smmu_invs_for_each_entry
	struct arm_smmu_invs *invs;

	if (!(domain->type & ATSLAB_SMMU_DOMAIN_TYPES))
		return -EINVAL;
	invs = rcu_dereference_protected(to_smmu_domain(domain)->invs, true);
	*num_invs = invs->num_invs;
	*num_trashes = invs->num_trashes;
	*max_invs = invs->max_invs;
	*has_ats = invs->has_ats;
	return 0;
#else
	(void)domain;
	(void)num_invs;
	(void)num_trashes;
	(void)max_invs;
	(void)has_ats;
	return -EOPNOTSUPP;
#endif
}

int atslab_arm_smmu_domain_inv(struct iommu_domain *domain, unsigned int i, int *type, u32 *id, u32 *ssid, int *users)
{
#ifdef arm_smmu_invs_for_each_entry
	struct arm_smmu_invs *invs = rcu_dereference_protected(to_smmu_domain(domain)->invs, true);
	struct arm_smmu_inv *inv;

	if (i >= invs->num_invs)
		return -ENOENT;
	inv = &invs->inv[i];
	*type = inv->type;
	*id = inv->id;
	*ssid = arm_smmu_inv_is_ats(inv) ? inv->ssid : 0;
	*users = inv->users;
	return 0;
#else
	(void)domain;
	(void)i;
	(void)type;
	(void)id;
	(void)ssid;
	(void)users;
	return -EOPNOTSUPP;
#endif
}

/*
 * PASIDs. iommu_attach_device_pasid asks the domain's ops for set_dev_pasid
 * (6.12: the paging domains' default_domain_ops; 7.2: the blocked domain's too).
 */
bool atslab_arm_smmu_has_set_dev_pasid(struct iommu_domain *domain)
{
	return domain->ops && domain->ops->set_dev_pasid;
}

/*
 * How the core takes a PASID off a device: 6.12's iommu_ops.remove_dev_pasid,
 * or, where the ops have none (the 2026 core removed it), the blocked domain's
 * set_dev_pasid.
 */
bool atslab_arm_smmu_has_remove_dev_pasid(void)
{
	return arm_smmu_ops.remove_dev_pasid != NULL;
}

/* __iommu_set_group_pasid's call (and the 2026 reset's re-attach, from the blocking domain). */
int atslab_arm_smmu_set_dev_pasid(struct iommu_domain *domain, struct device *dev, u32 pasid, struct iommu_domain *old)
{
	return domain->ops->set_dev_pasid(domain, dev, pasid, old);
}

/*
 * Taking `pasid` off `domain`: 6.12's __iommu_remove_group_pasid calls
 * ops->remove_dev_pasid (void); the 2026 core's iommu_remove_dev_pasid attaches
 * the blocked domain, whose set_dev_pasid must not fail (the caller WARNs).
 */
int atslab_arm_smmu_remove_dev_pasid(struct device *dev, u32 pasid, struct iommu_domain *domain)
{
	struct iommu_domain *blocked = arm_smmu_ops.blocked_domain;

	if (arm_smmu_ops.remove_dev_pasid) {
		arm_smmu_ops.remove_dev_pasid(dev, pasid, domain);
		return 0;
	}
	if (!blocked || !blocked->ops->set_dev_pasid)
		return -EOPNOTSUPP;
	return blocked->ops->set_dev_pasid(blocked, dev, pasid, domain);
}

/* The master's ssid_bits (arm_smmu_enable_pasid's, at probe): -ENODEV without a master. */
int atslab_arm_smmu_master_ssid_bits(struct device *dev)
{
	struct arm_smmu_master *master = dev->iommu ? dev_iommu_priv_get(dev) : NULL;

	return master ? (int)master->ssid_bits : -ENODEV;
}

/* The master's cd_table.used_ssids (arm_smmu_ssids_in_use), for invariant 27. */
unsigned int atslab_arm_smmu_master_used_ssids(struct device *dev)
{
	struct arm_smmu_master *master = dev_iommu_priv_get(dev);

	return master->cd_table.used_ssids;
}

/*
 * The core's iommu_sva_iopf_handler, which both trees' iommu_sva_domain_alloc put on an SVA
 * domain. 7.2's attach prepare asks only whether it is set (arm_smmu_enable_iopf, a no-op for a
 * master that does not stall); nothing calls it here: no PCI master stalls, and PRI is off.
 */
static int atslab_iommu_sva_iopf_handler(struct iopf_group *group)
{
	(void)group;
	return -EOPNOTSUPP;
}

/*
 * SVA (CONFIG_ARM_SMMU_V3_SVA). iommu_sva_domain_alloc (6.12 and 7.2 alike): the
 * driver's domain_alloc_sva, then the core's own fields (type, the mm, the owner,
 * the IOPF handler).
 */
struct iommu_domain *atslab_arm_smmu_domain_alloc_sva(struct device *dev, struct mm_struct *mm, int *err)
{
	struct iommu_domain *domain;

	if (!arm_smmu_ops.domain_alloc_sva) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	domain = arm_smmu_ops.domain_alloc_sva(dev, mm);
	if (!domain)
		domain = ERR_PTR(-ENOMEM);
	if (IS_ERR(domain)) {
		*err = (int)PTR_ERR(domain);
		return NULL;
	}
	domain->type = IOMMU_DOMAIN_SVA;
	domain->mm = mm;
	domain->owner = &arm_smmu_ops;
	domain->iopf_handler = atslab_iommu_sva_iopf_handler;
	*err = 0;
	return domain;
}

/*
 * The device driver's iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA), which
 * 6.12 requires before a bind: done once (a driver enables it at its probe and
 * keeps it), so a bind that finds it enabled asks nothing. 0 where the ops have
 * no dev_enable_feat (the 2026 trees dropped the step).
 */
int atslab_arm_smmu_dev_enable_sva(struct device *dev)
{
#ifdef ATSLAB_TREE_SVA
	struct arm_smmu_master *master = dev->iommu ? dev_iommu_priv_get(dev) : NULL;

	if (!arm_smmu_ops.dev_enable_feat)
		return 0;
	if (!master)
		return -ENODEV;
	if (arm_smmu_master_sva_enabled(master))
		return 0;
	return arm_smmu_ops.dev_enable_feat(dev, IOMMU_DEV_FEAT_SVA);
#elif defined(CONFIG_ARM_SMMU_V3_SVA)
	/* 7.2's form: no such feature, a bind asks the driver nothing first. */
	(void)dev;
	return 0;
#else
	(void)dev;
	return -EOPNOTSUPP;
#endif
}

/* The ops have dev_enable_feat: a bind needs IOMMU_DEV_FEAT_SVA enabled first (6.12). */
bool atslab_arm_smmu_has_dev_enable_feat(void)
{
	return arm_smmu_ops.dev_enable_feat != NULL;
}

/* The driver's remove: iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_SVA) where it was enabled. */
int atslab_arm_smmu_dev_disable_sva(struct device *dev)
{
#ifdef ATSLAB_TREE_SVA
	struct arm_smmu_master *master = dev->iommu ? dev_iommu_priv_get(dev) : NULL;

	if (!arm_smmu_ops.dev_disable_feat || !master || !arm_smmu_master_sva_enabled(master))
		return 0;
	return arm_smmu_ops.dev_disable_feat(dev, IOMMU_DEV_FEAT_SVA);
#else
	(void)dev;
	return 0;
#endif
}

/* The tree's SVA half is built (CONFIG_ARM_SMMU_V3_SVA): its ops allocate SVA domains. */
bool atslab_arm_smmu_has_sva(void)
{
	return arm_smmu_ops.domain_alloc_sva != NULL;
}

/*
 * iommufd's PASID attach (VFIO_DEVICE_ATTACH_PASID): the driver allocates HWPTs for PASIDs
 * (its domain_alloc_paging_flags takes IOMMU_HWPT_ALLOC_PASID: atslab/tree_api.h says; 7.2).
 */
bool atslab_arm_smmu_has_iommufd_pasid(void)
{
#ifdef ATSLAB_TREE_IOMMUFD_PASID
	return arm_smmu_ops.domain_alloc_paging_flags != NULL;
#else
	return false;
#endif
}

/*
 * Nesting (CONFIG_ARM_SMMU_V3_IOMMUFD: 7.2's arm-smmu-v3-iommufd.c). iommufd
 * stays atslab's (src/linux/iommufd/viommu.cc); these are its calls into the
 * driver, each doing what iommufd's ioctl does around the driver's op.
 */
bool atslab_arm_smmu_has_vsmmu(void)
{
	return arm_smmu_ops.viommu_init != NULL;
}

/*
 * IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT (iommufd_hwpt_paging_alloc):
 * the driver's domain_alloc_paging_flags, then the core's fields, as for an
 * UNMANAGED paging domain.
 */
struct iommu_domain *atslab_arm_smmu_domain_alloc_nest_parent(struct device *dev, int *err)
{
	struct iommu_domain *domain;

	if (!arm_smmu_ops.domain_alloc_paging_flags) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	domain = arm_smmu_ops.domain_alloc_paging_flags(dev, IOMMU_HWPT_ALLOC_NEST_PARENT, NULL);
	if (!domain)
		domain = ERR_PTR(-ENOMEM);
	if (IS_ERR(domain)) {
		*err = (int)PTR_ERR(domain);
		return NULL;
	}
	domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->owner = &arm_smmu_ops;
	if (!domain->ops)
		domain->ops = arm_smmu_ops.default_domain_ops;
	*err = 0;
	return domain;
}

/* ops->get_viommu_size(dev, IOMMU_VIOMMU_TYPE_ARM_SMMUV3): 0 where the SMMU hosts no vSMMU. */
size_t atslab_arm_smmu_viommu_size(struct device *dev)
{
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
	if (!dev->iommu || !dev_iommu_priv_get(dev) || !arm_smmu_ops.get_viommu_size)
		return 0;
	return arm_smmu_ops.get_viommu_size(dev, IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
#else
	(void)dev;
	return 0;
#endif
}

/*
 * IOMMU_VIOMMU_ALLOC (iommufd_viommu_alloc_ioctl): an object of the size the
 * driver asked, the core's fields (type, the device's IOMMU, the vDEVICE
 * array), then ops->viommu_init on the nest parent's domain, without driver
 * data (the SMMUv3 type takes none). The object, or NULL with *err.
 */
struct iommufd_viommu *atslab_arm_smmu_viommu_init(struct device *dev, struct iommu_domain *parent, u32 atslab_id,
						   int *err)
{
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
	size_t size = atslab_arm_smmu_viommu_size(dev);
	struct iommufd_viommu *viommu;
	int ret;

	if (!size) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	viommu = kzalloc(size, GFP_KERNEL);
	if (!viommu) {
		*err = -ENOMEM;
		return NULL;
	}
	viommu->type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	viommu->iommu_dev = dev->iommu->iommu_dev;
	viommu->atslab_id = atslab_id;
	xa_init_flags(&viommu->vdevs, XA_FLAGS_ALLOC);
	ret = arm_smmu_ops.viommu_init(viommu, parent, NULL);
	/* iommufd: a driver that leaves viommu->ops NULL is a bug. */
	if (!ret && WARN_ON_ONCE(!viommu->ops))
		ret = -EOPNOTSUPP;
	if (ret) {
		kfree(viommu);
		*err = ret;
		return NULL;
	}
	*err = 0;
	return viommu;
#else
	(void)dev;
	(void)parent;
	(void)atslab_id;
	*err = -EOPNOTSUPP;
	return NULL;
#endif
}

/* IOMMU_VDEVICE_ALLOC's call of viommu->ops->vdevice_init (0 where the ops have none). */
int atslab_arm_smmu_vdevice_init(struct iommufd_viommu *viommu, struct device *dev, u64 virt_id)
{
	struct iommufd_vdevice vdev = { .viommu = viommu, .dev = dev, .virt_id = virt_id };

	if (!viommu->ops || !viommu->ops->vdevice_init)
		return 0;
	return viommu->ops->vdevice_init(&vdev);
}

/*
 * IOMMU_HWPT_ALLOC on a vIOMMU (iommufd_viommu_alloc_hwpt_nested): the guest's
 * vSTE as IOMMU_HWPT_DATA_ARM_SMMUV3, the driver's alloc_domain_nested, then the
 * owner the core sets. The domain, or NULL with *err.
 */
struct iommu_domain *atslab_arm_smmu_alloc_domain_nested(struct iommufd_viommu *viommu, const u64 *vste, int *err)
{
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
	struct iommu_hwpt_arm_smmuv3 arg = { .ste = { cpu_to_le64(vste[0]), cpu_to_le64(vste[1]) } };
	struct iommu_user_data data = { .type = IOMMU_HWPT_DATA_ARM_SMMUV3, .uptr = &arg, .len = sizeof(arg) };
	struct iommu_domain *domain;

	if (!viommu->ops->alloc_domain_nested) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	domain = viommu->ops->alloc_domain_nested(viommu, 0, &data);
	if (!domain)
		domain = ERR_PTR(-ENOMEM);
	if (IS_ERR(domain)) {
		*err = (int)PTR_ERR(domain);
		return NULL;
	}
	domain->owner = &arm_smmu_ops;
	*err = 0;
	return domain;
#else
	(void)viommu;
	(void)vste;
	*err = -EOPNOTSUPP;
	return NULL;
#endif
}

/*
 * IOMMU_HWPT_INVALIDATE on a vIOMMU: the guest's commands (two little-endian
 * words each, as its vSMMU's queue held them) as an array of
 * IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 entries; *done is how many the
 * driver handled (the array's entry_num on return).
 */
int atslab_arm_smmu_cache_invalidate(struct iommufd_viommu *viommu, const u64 *cmds, u32 n, u32 *done)
{
#ifdef CONFIG_ARM_SMMU_V3_IOMMUFD
	struct iommu_user_data_array array = {
		.type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.uptr = (void *)cmds,
		.entry_len = sizeof(struct iommu_viommu_arm_smmuv3_invalidate),
		.entry_num = n,
	};
	int ret;

	if (!viommu->ops->cache_invalidate)
		return -EOPNOTSUPP;
	ret = viommu->ops->cache_invalidate(viommu, &array);
	*done = array.entry_num;
	return ret;
#else
	(void)viommu;
	(void)cmds;
	(void)n;
	*done = 0;
	return -EOPNOTSUPP;
#endif
}
