#include "linux/vfio/vfio.h"

#include <algorithm>
#include <iterator>

#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/reset.h"
#include "linux/system.h"
#include "linux/vfio/device_cdev.h"
#include "linux/vfio/group_device.h"

namespace atslab::vfio {

using kernel::Frame;
using kernel::KFn;
using kernel::LockClass;
using kernel::LockGuard;
using kernel::LockMode;

namespace {
Vfio& v(System& s) { return s.kernel.vfio; }
// The DMA-owner token VFIO passes to iommu_group_claim_dma_owner: any non-zero cookie per group.
uint32_t owner_token(VfioGroupId g) { return 0x1000 + g; }

// The live vfio_group of an IOMMU group (vfio_group_find_from_iommu), kNone when there is none.
VfioGroupId find_group(const System& s, iommu::GroupId ig) {
  const auto& gs = s.kernel.vfio.groups;
  for (VfioGroupId g = 0; g < gs.size(); ++g)
    if (gs[g].group == ig) return g;
  return kNone;
}

// vfio_iommu_type1_attach_group, under iommu->lock. Every group first gets a domain of its
// own and is attached to it (for SMMUv3 an ATS-enabling attach); when an existing domain of the
// same driver takes the group too, the group is detached again (the blocking domain, since VFIO
// owns it: ATS off), attached to that domain, and the new one freed. Otherwise the new domain
// stays, with every mapping replayed into it.
int type1_attach_group(System& s, ContainerId c, VfioGroupId g) {
  Frame f(s, KFn::vfio_iommu_type1_attach_group);
  LockGuard lock(s, LockClass::vfio_iommu_lock, c);
  const iommu::GroupId ig = v(s).groups[g].group;
  // The group's devices can be gone (a VF removed while its vfio_group lingered): type1 finds no
  // device to take the bus and IOMMU from.
  if (iommu::group(s, ig).devices.empty()) return -ENODEV;
  // No reference into the containers is held across an attach: another CPU's operation may run
  // inside it (at an attach's interleaving point) and open a container, which moves them.
  const iommu::DomainId fresh = iommu::domain_alloc_paging(s, iommu::group(s, ig).devices.front());
  if (fresh == iommu::kNoDomain) return -ENOMEM;
  int ret = iommu::attach_group(s, fresh, ig);
  if (ret) {
    iommu::domain_free(s, fresh);
    return ret;
  }
  for (size_t i = 0; i < v(s).containers[c].domains.size(); ++i) {
    const iommu::DomainId d = v(s).containers[c].domains[i].domain;
    // Compatible: the same iommu_ops (and cache coherency enforcement, which every modelled
    // driver offers alike).
    if (iommu::domain(s, d).driver != iommu::domain(s, fresh).driver) continue;
    iommu::detach_group(s, fresh, ig);
    if (iommu::attach_group(s, d, ig) == 0) {
      v(s).containers[c].domains[i].groups.push_back(g);
      iommu::domain_free(s, fresh);
      return 0;
    }
    ret = iommu::attach_group(s, fresh, ig);
    if (ret) {
      iommu::domain_free(s, fresh);
      return ret;
    }
  }
  {
    // vfio_iommu_replay: the container's mappings into the domain that joins it.
    Frame r(s, KFn::vfio_iommu_replay);
    for (const auto& [iova, m] : std::map<uint64_t, DmaMapping>(v(s).containers[c].dma)) iommu::map(s, fresh, iova, m.paddr, m.size);
  }
  v(s).containers[c].domains.push_back({fresh, {g}});
  return 0;
}

// vfio_iommu_type1_detach_group, under iommu->lock: the group leaves its domain (for the
// blocking domain: VFIO still owns it); a domain left without groups is freed, and when it was
// the last one every mapping is unmapped and unpinned first.
void type1_detach_group(System& s, ContainerId c, VfioGroupId g) {
  Frame f(s, KFn::vfio_iommu_type1_detach_group);
  LockGuard lock(s, LockClass::vfio_iommu_lock, c);
  auto holds = [&](size_t i) {
    const auto& gs = v(s).containers[c].domains[i].groups;
    return std::find(gs.begin(), gs.end(), g) != gs.end();
  };
  size_t i = 0;
  while (i < v(s).containers[c].domains.size() && !holds(i)) ++i;
  if (i == v(s).containers[c].domains.size()) return;
  const iommu::DomainId d = v(s).containers[c].domains[i].domain;
  iommu::detach_group(s, d, v(s).groups[g].group);
  std::erase(v(s).containers[c].domains[i].groups, g);
  if (!v(s).containers[c].domains[i].groups.empty()) return;
  if (v(s).containers[c].domains.size() == 1) {
    // vfio_iommu_unmap_unpin_all
    for (const auto& [iova, m] : std::map<uint64_t, DmaMapping>(v(s).containers[c].dma)) iommu::unmap(s, d, iova, m.size);
    v(s).containers[c].dma.clear();
  }
  iommu::domain_free(s, d);
  v(s).containers[c].domains.erase(v(s).containers[c].domains.begin() + static_cast<long>(i));
}

// vfio_group_detach_container, under the group's group_lock: with container->group_lock held
// for writing, the backend lets the group go, DMA ownership goes back (the group returns to its
// default domain), and the last group out takes the backend with it (ops->release).
void detach_container(System& s, VfioGroupId g) {
  Frame f(s, KFn::vfio_group_detach_container);
  const ContainerId c = v(s).groups[g].container;
  LockGuard lock(s, LockClass::vfio_container_group_lock, c, LockMode::Exclusive);
  if (v(s).containers[c].type1) type1_detach_group(s, c, g);
  iommu::group_release_dma_owner(s, v(s).groups[g].group);
  std::erase(v(s).containers[c].groups, g);
  v(s).groups[g].container = kNone;
  if (v(s).containers[c].groups.empty() && v(s).containers[c].type1) {
    // vfio_iommu_type1_release: nothing left mapped (the last detach unpinned everything).
    Frame r(s, KFn::vfio_iommu_type1_release);
    for (const Type1Domain& d : std::vector<Type1Domain>(v(s).containers[c].domains)) iommu::domain_free(s, d.domain);
    v(s).containers[c].domains.clear();
    v(s).containers[c].dma.clear();
    v(s).containers[c].type1 = false;
  }
}
}  // namespace

int register_group_dev(System& s, pci::DevId dev) {
  Frame f(s, KFn::vfio_device_set_group);
  const iommu::GroupId ig = iommu::group_of(s, dev);
  // vfio_group_find_or_alloc without noiommu: a device no IOMMU translates cannot be a VFIO device.
  if (ig == iommu::kNoGroup) return -EINVAL;
  LockGuard lock(s, LockClass::vfio_group_lock);
  VfioGroupId g = find_group(s, ig);
  if (g == kNone) {
    v(s).groups.push_back({ig, kNone, 0});
    g = static_cast<VfioGroupId>(v(s).groups.size() - 1);
  }
  v(s).groups[g].drivers++;
  return 0;
}

void unregister_group_dev(System& s, pci::DevId dev) {
  Frame f(s, KFn::vfio_unregister_group_dev);
  // vfio_unregister_group_dev waits until the device's users are gone, asking them through the
  // driver's request callback; the workload's user answers by closing its cdev fd, or every fd
  // VFIO_GROUP_GET_DEVICE_FD gave it.
  unbind_iommufd(s, dev);
  group_device_close_all(s, dev);
  const VfioGroupId g = find_group(s, iommu::group_of(s, dev));
  if (g == kNone) return;
  Frame h(s, KFn::vfio_device_remove_group);
  // refcount_dec_and_mutex_lock(&group->drivers, &vfio.group_lock): only the last device goes on.
  LockGuard lock(s, LockClass::vfio_group_lock);
  if (--v(s).groups[g].drivers) return;
  LockGuard group_lock(s, LockClass::vfio_group_group_lock, g);
  // Revoke every user of the IOMMU group: the container lets it go, and the vfio_group is dead.
  if (v(s).groups[g].container != kNone) detach_container(s, g);
  v(s).groups[g].group = iommu::kNoGroup;
}

ContainerId open_container(System& s) {
  v(s).containers.push_back({});
  return static_cast<ContainerId>(v(s).containers.size() - 1);
}

VfioGroupId open_group(const System& s, pci::DevId dev) {
  const iommu::GroupId ig = iommu::group_of(s, dev);
  return ig == iommu::kNoGroup ? kNone : find_group(s, ig);
}

bool group_dead(const System& s, VfioGroupId g) { return s.kernel.vfio.groups.at(g).group == iommu::kNoGroup; }

int group_set_container(System& s, VfioGroupId g, ContainerId c) {
  Frame f(s, KFn::vfio_group_fops_unl_ioctl);
  LockGuard group_lock(s, LockClass::vfio_group_group_lock, g);
  if (v(s).groups.at(g).container != kNone) return -EINVAL;
  if (group_dead(s, g)) return -ENODEV;  // vfio_group_ioctl_set_container: !group->iommu_group
  // A device of the group bound through its cdev: the group fd could not have been opened
  // (vfio_group_fops_open refuses while cdev_device_open_cnt is set).
  for (pci::DevId d : iommu::group(s, v(s).groups[g].group).devices)
    if (v(s).cdevs.contains(d)) return -EBUSY;
  Frame g2(s, KFn::vfio_container_attach_group);
  LockGuard lock(s, LockClass::vfio_container_group_lock, c, LockMode::Exclusive);
  int ret = iommu::group_claim_dma_owner(s, v(s).groups[g].group, owner_token(g));
  if (ret) return ret;
  if (v(s).containers.at(c).type1) {
    ret = type1_attach_group(s, c, g);
    if (ret) {
      iommu::group_release_dma_owner(s, v(s).groups[g].group);
      return ret;
    }
  }
  v(s).groups[g].container = c;
  v(s).containers[c].groups.push_back(g);
  return 0;
}

int set_iommu(System& s, ContainerId c) {
  Frame f(s, KFn::vfio_fops_unl_ioctl);
  Frame g(s, KFn::vfio_ioctl_set_iommu);
  LockGuard lock(s, LockClass::vfio_container_group_lock, c, LockMode::Exclusive);
  // No groups yet, or a backend already set: -EINVAL alike.
  if (v(s).containers.at(c).type1 || v(s).containers[c].groups.empty()) return -EINVAL;
  const std::vector<VfioGroupId> groups = v(s).containers[c].groups;
  for (size_t i = 0; i < groups.size(); ++i) {
    int ret = type1_attach_group(s, c, groups[i]);
    if (ret) {
      for (size_t j = i; j-- > 0;) type1_detach_group(s, c, groups[j]);
      return ret;
    }
  }
  v(s).containers[c].type1 = true;
  return 0;
}

int map_dma(System& s, ContainerId c, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::vfio_fops_unl_ioctl);
  // The container ioctl reaches the backend only when one is set, and takes no container lock.
  if (!v(s).containers.at(c).type1) return -EINVAL;
  Frame g(s, KFn::vfio_dma_do_map);
  LockGuard lock(s, LockClass::vfio_iommu_lock, c);
  {  // vfio_find_dma: a range overlapping an existing mapping
    const auto& dma = v(s).containers[c].dma;
    auto next = dma.lower_bound(iova);
    if (next != dma.end() && next->first < iova + size) return -EEXIST;
    if (next != dma.begin() && std::prev(next)->first + std::prev(next)->second.size > iova) return -EEXIST;
  }
  const std::vector<Type1Domain> domains = v(s).containers[c].domains;
  for (size_t i = 0; i < domains.size(); ++i) {
    int ret = iommu::map(s, domains[i].domain, iova, paddr, size);
    if (ret) {
      for (size_t j = i; j-- > 0;) iommu::unmap(s, domains[j].domain, iova, size);
      return ret;
    }
  }
  v(s).containers[c].dma[iova] = {paddr, size};
  return 0;
}

int unmap_dma(System& s, ContainerId c, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::vfio_fops_unl_ioctl);
  if (!v(s).containers.at(c).type1) return -EINVAL;
  Frame g(s, KFn::vfio_dma_do_unmap);
  LockGuard lock(s, LockClass::vfio_iommu_lock, c);
  auto it = v(s).containers[c].dma.find(iova);
  if (it == v(s).containers[c].dma.end() || it->second.size != size) return -EINVAL;
  Frame h(s, KFn::vfio_unmap_unpin);
  for (const Type1Domain& d : std::vector<Type1Domain>(v(s).containers[c].domains)) iommu::unmap(s, d.domain, iova, size);
  v(s).containers[c].dma.erase(iova);
  return 0;
}

int group_unset_container(System& s, VfioGroupId g) {
  Frame f(s, KFn::vfio_group_fops_unl_ioctl);
  LockGuard group_lock(s, LockClass::vfio_group_group_lock, g);
  if (v(s).groups.at(g).container == kNone) return -EINVAL;
  // container_users != 1: a device fd open on the group holds the container (the fd keeps the
  // group file too, so the group's release cannot detach it either until the last one closes).
  if (!v(s).groups[g].opened.empty()) return -EBUSY;
  detach_container(s, g);
  return 0;
}

int group_device_fd(const System& s, pci::DevId dev) {
  const pci::PciDev& d = s.kernel.devs.at(dev);
  if (!d.driver_bound || d.driver != pci::DriverKind::VfioPci) return -ENODEV;
  const VfioGroupId g = open_group(s, dev);
  if (g == kNone) return -ENODEV;
  const ContainerId c = s.kernel.vfio.groups[g].container;
  if (c == kNone || !s.kernel.vfio.containers.at(c).type1) return -EINVAL;  // no device fd
  return 0;
}

int device_reset(System& s, pci::DevId dev) {
  if (const int ret = group_device_fd(s, dev)) return ret;
  Frame f(s, KFn::vfio_pci_core_ioctl);
  // reset_works: the pci_try_reset_function of vfio_pci_core_enable succeeded (FLR here).
  if (!pci::reset_supported(s, dev)) return -EINVAL;
  // vfio_pci_zap_and_down_write_memory_lock: the user's BAR mappings gone, no access meanwhile.
  LockGuard memory_lock(s, LockClass::vfio_pci_memory_lock, dev);
  return pci::try_reset_function(s, dev);
}

}  // namespace atslab::vfio
