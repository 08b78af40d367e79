#include "sim/final_state.h"

#include "hw/pcie/atc.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"

namespace atslab::sim {

namespace {

// The paging domain the device sits on now (kNoDomain when none or not paging).
iommu::DomainId paging_domain_of(const System& s, pci::DevId dev) {
  const iommu::GroupId g = iommu::group_of(s, dev);
  if (g == iommu::kNoGroup) return iommu::kNoDomain;
  const iommu::DomainId d = s.kernel.iommu.groups[g].domain;
  if (d == iommu::kNoDomain || !iommu::is_paging(s.kernel.iommu.domains[d].type)) return iommu::kNoDomain;
  return d;
}

// The tree's driver as the adapter hands it over, read once for all devices.
struct TreeBeliefs {
  std::vector<kernel_src::smmuv3::MasterBelief> masters;
  std::vector<kernel_src::smmuv3::DomainBelief> domains;
};

void smmuv3_state(const System& s, pci::DevId dev, const TreeBeliefs* tree, DeviceFinalState& out) {
  out.belief_field = "master->ats_enabled";
  std::optional<uint32_t> first_sid;
  uint16_t smmu = 0;
  const iommu::DomainId dom = paging_domain_of(s, dev);
  if (tree) {
    for (const auto& m : tree->masters)
      if (m.dev == dev) {
        out.belief = m.ats_enabled;
        smmu = m.smmu;
        if (!m.streams.empty()) first_sid = m.streams.front();
      }
    for (const auto& b : tree->domains) {
      if (b.domain != dom) continue;
      out.nr_ats_masters = b.nr_ats_masters;
      if (b.invs && first_sid) {
        bool entry = false;
        for (const auto& e : b.invs->inv)
          entry |= e.users > 0 && smmuv3::is_ats(static_cast<smmuv3::InvType>(e.type)) && e.id == *first_sid;
        out.invs_ats_entry = entry;
      }
    }
  } else {
    const auto& drv = s.kernel.smmuv3;
    if (dev < drv.master_of.size() && drv.master_of[dev] != smmuv3::kNone) {
      const auto& m = drv.masters[drv.master_of[dev]];
      out.belief = m.ats_enabled;
      smmu = m.smmu;
      if (!m.streams.empty()) first_sid = m.streams.front();
    }
    if (dom != iommu::kNoDomain) {
      const auto& sd = drv.domains[s.kernel.iommu.domains[dom].priv];
      out.nr_ats_masters = sd.nr_ats_masters;
      if (drv.inv_design == smmuv3::InvalidationDesign::Invs && first_sid && sd.invs < drv.invs_pool.size()) {
        const auto& a = drv.invs_pool[sd.invs].invs;
        bool entry = false;
        for (uint16_t i = 0; i < a.num_invs; ++i)
          entry |= a.inv[i].users > 0 && smmuv3::is_ats(a.inv[i].type) && a.inv[i].id == *first_sid;
        out.invs_ats_entry = entry;
      }
    }
  }
  if (first_sid && smmu < s.hw.smmus.size()) {
    if (auto pa = hw::smmuv3::ste_address(s.hw.memory, s.hw.smmus[smmu], *first_sid)) {
      const auto ste = hw::smmuv3::read_entry(s.hw.memory, *pa);
      out.ste_eats = static_cast<unsigned>(hw::smmuv3::field_get(hw::smmuv3::ste::k1Eats, ste[1]));
    }
  }
}

}  // namespace

bool belief_apart(const DeviceFinalState& d) { return !d.removed && d.ats_cap && d.belief && *d.belief != d.ats_enable; }
bool ste_apart(const DeviceFinalState& d) {
  return !d.removed && d.ats_cap && d.ste_eats && (*d.ste_eats == hw::smmuv3::ste::kEatsTrans) != d.ats_enable;
}
bool invs_apart(const DeviceFinalState& d) {
  return !d.removed && d.ats_cap && d.invs_ats_entry && *d.invs_ats_entry != d.ats_enable;
}

std::vector<DeviceFinalState> final_device_states(const System& s) {
  std::vector<DeviceFinalState> out;
  std::optional<TreeBeliefs> tree;
  if (iommu::tree_smmuv3_state_is_this_systems(s)) tree = TreeBeliefs{kernel_src::smmuv3::masters(s), kernel_src::smmuv3::domains(s)};
  for (pci::DevId id = 0; id < s.kernel.devs.size(); ++id) {
    const pci::PciDev& d = s.kernel.devs[id];
    if (d.state == pci::DevState::Setup) continue;
    DeviceFinalState f;
    f.bdf = d.bdf.str();
    f.removed = d.state == pci::DevState::Removed;
    if (!f.removed && s.hw.pcie.fn(d.fn).present) {
      const auto ctl = hw::pcie::ats_control(s.hw.pcie.fn(d.fn).cfg);
      f.ats_cap = ctl.present;
      f.ats_enable = ctl.enabled;
      f.stu = ctl.stu_shift;
    }
    switch (s.hw.pcie.rc(d.rc).iommu) {
      case hw::pcie::IommuKind::Smmuv3:
        if (!f.removed) smmuv3_state(s, id, tree ? &*tree : nullptr, f);
        break;
      case hw::pcie::IommuKind::Vtd:
        f.belief_field = "info->ats_enabled";
        for (const auto& in : s.kernel.vtd.infos)
          if (in.dev == id && !in.freed) f.belief = in.ats_enabled;
        break;
      case hw::pcie::IommuKind::Amd:
        f.belief_field = "dev_data->ats_enabled";
        for (const auto& dd : s.kernel.amd.dev_data)
          if (dd.dev == id && dd.live) f.belief = dd.ats_enabled;
        break;
      default:
        break;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace atslab::sim
