#include "linux/vfio/vfio.h"

#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace atslab::vfio {

using kernel::Frame;
using kernel::KFn;

namespace {
Vfio& v(System& s) { return s.kernel.vfio; }
// The DMA-owner token VFIO passes to iommu_group_claim_dma_owner: any non-zero cookie per group.
uint32_t owner_token(VfioGroupId g) { return 0x1000 + g; }

// vfio_iommu_type1_attach_group: reuse the container's domain, or allocate one.
int type1_attach_group(System& s, ContainerId c, VfioGroupId g) {
  Frame f(s, KFn::vfio_iommu_type1_attach_group);
  iommu::GroupId ig = v(s).groups[g].group;
  Container& ct = v(s).containers[c];
  // The group's devices can be gone (a VF removed by SR-IOV disable while its group file
  // stays open): type1 finds no device to take the bus and IOMMU from.
  if (iommu::group(s, ig).devices.empty()) return -ENODEV;
  if (ct.domain != iommu::kNoDomain) return iommu::attach_group(s, ct.domain, ig);
  iommu::DomainId d = iommu::domain_alloc_paging(s, iommu::group(s, ig).devices.front());
  if (d == iommu::kNoDomain) return -ENOMEM;
  int ret = iommu::attach_group(s, d, ig);
  if (ret) {
    iommu::domain_free(s, d);
    return ret;
  }
  v(s).containers[c].domain = d;
  for (const auto& [iova, m] : v(s).containers[c].dma) iommu::map(s, d, iova, m.paddr, m.size);
  return 0;
}

void type1_detach_group(System& s, ContainerId c, VfioGroupId g) {
  Frame f(s, KFn::vfio_iommu_type1_detach_group);
  // No reference into the containers is held across the detach: another CPU's operation may run
  // inside it (at an interleaving point of the attach) and open a container, which moves them.
  iommu::detach_group(s, v(s).containers[c].domain, v(s).groups[g].group);
  if (v(s).containers[c].groups.size() == 1) {  // the last group leaves: unpin everything, free the domain
    iommu::DomainId d = v(s).containers[c].domain;
    for (const auto& [iova, m] : std::map<uint64_t, DmaMapping>(v(s).containers[c].dma)) iommu::unmap(s, d, iova, m.size);
    v(s).containers[c].dma.clear();
    iommu::domain_free(s, d);
    v(s).containers[c].domain = iommu::kNoDomain;
  }
}
}  // namespace

ContainerId open_container(System& s) {
  v(s).containers.push_back({});
  return static_cast<ContainerId>(v(s).containers.size() - 1);
}

VfioGroupId open_group(System& s, pci::DevId dev) {
  iommu::GroupId g = iommu::group_of(s, dev);
  if (g == iommu::kNoGroup) return kNone;
  v(s).groups.push_back({g, kNone});
  return static_cast<VfioGroupId>(v(s).groups.size() - 1);
}

int group_set_container(System& s, VfioGroupId g, ContainerId c) {
  Frame f(s, KFn::vfio_group_fops_unl_ioctl);
  if (v(s).groups.at(g).container != kNone) return -EINVAL;
  Frame g2(s, KFn::vfio_container_attach_group);
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
  Container& ct = v(s).containers.at(c);
  if (ct.type1) return -EBUSY;
  if (ct.groups.empty()) return -EINVAL;
  std::vector<VfioGroupId> groups = ct.groups;
  for (size_t i = 0; i < groups.size(); ++i) {
    int ret = type1_attach_group(s, c, groups[i]);
    if (ret) {
      for (size_t j = i; j-- > 0;) iommu::detach_group(s, v(s).containers[c].domain, v(s).groups[groups[j]].group);
      return ret;
    }
  }
  v(s).containers[c].type1 = true;
  return 0;
}

int map_dma(System& s, ContainerId c, uint64_t iova, uint64_t paddr, uint64_t size) {
  Frame f(s, KFn::vfio_fops_unl_ioctl);
  Frame g(s, KFn::vfio_dma_do_map);
  Container& ct = v(s).containers.at(c);
  if (!ct.type1) return -EINVAL;
  int ret = iommu::map(s, ct.domain, iova, paddr, size);
  if (ret) return ret;
  v(s).containers[c].dma[iova] = {paddr, size};
  return 0;
}

int unmap_dma(System& s, ContainerId c, uint64_t iova, uint64_t size) {
  Frame f(s, KFn::vfio_fops_unl_ioctl);
  Frame g(s, KFn::vfio_dma_do_unmap);
  Container& ct = v(s).containers.at(c);
  auto it = ct.dma.find(iova);
  if (!ct.type1 || it == ct.dma.end() || it->second.size != size) return -EINVAL;
  Frame h(s, KFn::vfio_unmap_unpin);
  iommu::unmap(s, ct.domain, iova, size);
  v(s).containers[c].dma.erase(iova);
  return 0;
}

int group_unset_container(System& s, VfioGroupId g) {
  Frame f(s, KFn::vfio_group_fops_unl_ioctl);
  ContainerId c = v(s).groups.at(g).container;
  if (c == kNone) return -EINVAL;
  Frame g2(s, KFn::vfio_group_detach_container);
  if (v(s).containers[c].type1) type1_detach_group(s, c, g);
  iommu::group_release_dma_owner(s, v(s).groups[g].group);
  std::erase(v(s).containers[c].groups, g);
  if (v(s).containers[c].groups.empty()) v(s).containers[c].type1 = false;
  v(s).groups[g].container = kNone;
  return 0;
}

}  // namespace atslab::vfio
