#include "check/state_index.h"

#include <algorithm>

#include "linux/system.h"

namespace atslab::check {

template <typename Gone>
void StateIndex::Open::refresh(size_t size, Gone gone) {
  std::erase_if(ids, gone);
  for (; seen < size; ++seen)
    if (!gone(static_cast<uint32_t>(seen))) ids.push_back(static_cast<uint32_t>(seen));
}

void StateIndex::removed(const System& s, uint32_t dev) {
  if (s.hw.pcie.rc(s.kernel.devs[dev].rc).iommu != hw::pcie::IommuKind::Smmuv3) return;
  // Invariant 26 looks at the devices the IOMMU layer has a slot for; that table may grow later.
  if (dev < s.kernel.iommu.devs.size()) release(s, dev);
  else pending_.push_back(dev);
}

void StateIndex::release(const System& s, uint32_t dev) {
  const auto& d = s.kernel.devs[dev];
  auto& ids = released_[rid_key(d.rc, d.bdf.rid())];
  ids.insert(std::lower_bound(ids.begin(), ids.end(), dev), dev);
}

void StateIndex::refresh(const System& s) {
  const auto& devs = s.kernel.devs;
  // Every new device by routing ID first (removed ones too), then the removals since the last refresh.
  for (size_t id = devs_.seen; id < devs.size(); ++id) by_rid_[rid_key(devs[id].rc, devs[id].bdf.rid())].push_back(static_cast<uint32_t>(id));
  std::vector<uint32_t> gone_now;
  devs_.refresh(devs.size(), [&](uint32_t id) {
    if (devs[id].state != pci::DevState::Removed) return false;
    gone_now.push_back(id);
    return true;
  });
  for (uint32_t id : gone_now) removed(s, id);
  std::erase_if(pending_, [&](uint32_t id) {
    if (id >= s.kernel.iommu.devs.size()) return false;
    release(s, id);
    return true;
  });
  const auto& masters = s.kernel.smmuv3.masters;
  masters_.refresh(masters.size(), [&](uint32_t id) { return !masters[id].live; });
  const auto& groups = s.kernel.iommu.groups;
  groups_.refresh(groups.size(), [&](uint32_t id) { return groups[id].devices.empty(); });
  const auto& infos = s.kernel.vtd.infos;
  vtd_infos_.refresh(infos.size(), [&](uint32_t id) { return infos[id].freed; });
  const auto& vtd_domains = s.kernel.vtd.domains;
  vtd_domains_.refresh(vtd_domains.size(), [&](uint32_t id) { return !vtd_domains[id].live; });
  const auto& dev_data = s.kernel.amd.dev_data;
  amd_dev_data_.refresh(dev_data.size(), [&](uint32_t id) { return !dev_data[id].live; });
}

}  // namespace atslab::check
