// intel_iommu_probe_device / probe_finalize / release_device and the ATS
// helpers (kernel-semantics.md 5.1, scalable mode; legacy mode in domain.cc).
#include <algorithm>

#include <fmt/format.h>

#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/pci/pri_pasid.h"
#include "linux/vtd/cache_tag.h"
#include "linux/vtd/pasid.h"
#include "linux/vtd/rbtree.h"
#include "linux/vtd/vtd.h"
#include "linux/system.h"

namespace atslab::vtd {

using kernel::Frame;
using kernel::KFn;

namespace {
constexpr uint32_t kPrqDepth = 2048;  // PRQ_DEPTH: page requests the driver allocates to PRI

DeviceDomainInfo& info(System& s, InfoId id) { return s.kernel.vtd.infos.at(id); }

// kfree(info): the slot stays, marked freed, with KASAN's free track.
void free_info(System& s, InfoId id) {
  DeviceDomainInfo& in = info(s, id);
  in.freed = true;
  in.free_track.assign(s.kernel.ctx.stack.rbegin(), s.kernel.ctx.stack.rend());
  in.freed_comm = s.kernel.ctx.comm;
}

// dev_needs_extra_dtlb_flush: Intel QAT 4xxx (8086:4940-4943) may drop a device-IOTLB
// invalidation, so the driver sends a second one.
bool dev_needs_extra_dtlb_flush(const System& s, pci::DevId dev) {
  const auto& p = pci::pdev(s, dev);
  return p.vendor == 0x8086 && p.device >= 0x4940 && p.device <= 0x4943;
}

void iommu_enable_pci_pri(System& s, InfoId id) {
  Frame f(s, KFn::iommu_enable_pci_pri);
  if (!info(s, id).ats_enabled || !info(s, id).pri_supported) return;
  pci::DevId dev = info(s, id).dev;
  if (pci::reset_pri(s, dev)) return;
  if (pci::enable_pri(s, dev, kPrqDepth) == 0) info(s, id).pri_enabled = true;
}

void iommu_disable_pci_pri(System& s, InfoId id) {
  Frame f(s, KFn::iommu_disable_pci_pri);
  if (!info(s, id).pri_enabled) return;
  pci::disable_pri(s, info(s, id).dev);
  info(s, id).pri_enabled = false;
}
}  // namespace

std::string dmar_ats_refusal(const System& s, pci::DevId dev, bool scalable) {
  using hw::pcie::DmarListing;
  const auto& t = s.hw.pcie;
  const hw::pcie::FnId fn = pci::pdev(s, pci::physfn(s, dev)).fn;
  if (t.fn(fn).dmar == DmarListing::Satc) return "";
  if (t.fn(fn).dmar == DmarListing::SatcAtcRequired)
    return scalable ? "" : "the DMAR's SATC says ATC_REQUIRED and the unit is in legacy mode (the hardware runs its ATS)";
  hw::pcie::FnId bridge = t.fn(fn).parent;
  for (;; bridge = t.fn(bridge).parent) {
    if (bridge == hw::pcie::kNoFn) return "";  // integrated
    const auto type = hw::pcie::pcie_type(t.fn(bridge).cfg);
    if (!type || *type == hw::pcie::exp::Type::PciBridge)
      return fmt::format("it sits below {}, a bridge to conventional PCI", t.fn(bridge).bdf.str());
    if (*type == hw::pcie::exp::Type::RootPort) break;
  }
  if (t.fn(bridge).dmar == DmarListing::Atsr || t.rc(t.fn(fn).rc).ats_supported) return "";
  return fmt::format("no DMAR ATSR names its root port {}", t.fn(bridge).bdf.str());
}

bool dmar_ats_supported(const System& s, pci::DevId dev, bool scalable) { return dmar_ats_refusal(s, dev, scalable).empty(); }

InfoId info_of(const System& s, pci::DevId dev) {
  const auto& v = s.kernel.vtd.info_of;
  return dev < v.size() ? v[dev] : kNone;
}

void device_probe(System& s, uint16_t unit) {
  if (s.hw.vtd.size() <= unit) s.hw.vtd.resize(unit + 1);
  auto& d = s.kernel.vtd;
  if (d.units.size() <= unit) {
    d.units.resize(unit + 1);
    d.blocked_domain.resize(unit + 1, iommu::kNoDomain);
    d.identity_domain.resize(unit + 1, iommu::kNoDomain);
  }
  const hw::VtdUnit& hw = s.hw.vtd[unit];
  d.units[unit].dev_iotlb = hw.ecap_dt;
  d.units[unit].dit = hw.ecap_dit;
  d.units[unit].scalable = hw.ecap_smts;
  d.units[unit].prs = hw.ecap_prs;
  // pasid_supported(iommu) and alloc_iommu's iommu->iommu.max_pasids: N in ECAP.PSS is N + 1 bits.
  d.units[unit].pasid = hw.ecap_smts && hw.ecap_pasid;
  d.units[unit].max_pasids = d.units[unit].pasid ? uint32_t{2} << hw.ecap_pss : 0;
  // init_dmars: one system-wide PASID space, no bigger than the smallest unit's.
  if (d.units[unit].pasid) d.pasid_max_id = std::min(d.pasid_max_id, d.units[unit].max_pasids);
}

int probe_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::intel_iommu_probe_device);
  auto& drv = s.kernel.vtd;
  if (drv.info_of.size() <= dev) drv.info_of.resize(dev + 1, kNone);
  if (kernel::warn_on(s, drv.info_of[dev] != kNone, "dev_iommu_priv_get(dev)")) return -EBUSY;
  uint16_t unit = s.hw.pcie.rc(pci::pdev(s, dev).rc).iommu_index;
  if (unit >= drv.units.size()) return -ENODEV;

  DeviceDomainInfo in;
  in.dev = dev;
  in.iommu = unit;
  in.bus = pci::pdev(s, dev).bdf.bus;
  in.devfn = pci::pdev(s, dev).bdf.devfn;
  drv.infos.push_back(in);
  InfoId id = static_cast<InfoId>(drv.infos.size() - 1);

  // What the unit can do for this device: recorded, not yet enabled.
  if (drv.units[unit].dev_iotlb && pci::ats_supported(s, dev) && dmar_ats_supported(s, dev, drv.units[unit].scalable)) {
    info(s, id).ats_supported = true;
    info(s, id).dtlb_extra_inval = dev_needs_extra_dtlb_flush(s, dev);
    if (drv.units[unit].dit) info(s, id).pfsid = pci::pdev(s, pci::physfn(s, dev)).bdf.rid();
    info(s, id).ats_qdep = static_cast<uint16_t>(pci::ats_queue_depth(s, dev));
  }
  if (drv.units[unit].scalable) {
    info(s, id).pasid_supported =
        drv.units[unit].pasid && pci::pdev(s, pci::physfn(s, dev)).pasid_cap && pci::pasid_features(s, dev) >= 0;
    // PRI needs ATS on the device and page-request support in the unit.
    info(s, id).pri_supported = info(s, id).ats_supported && drv.units[unit].prs && pci::pri_supported(s, dev);
  }

  // Separately from the unit's capability: program the STU and index the device by RID.
  if (pci::ats_supported(s, dev)) {
    int ret = pci::prepare_ats(s, dev, kVtdPageShift);
    // Upstream ignores the result; the proposed change fails the probe before the info is published.
    if (ret && drv.policy.fail_probe_on_prepare_error) {
      kernel::dev_err(s, dev, fmt::format("Failed to prepare ATS: {}", kernel::errname(ret)));
      free_info(s, id);
      return ret;
    }
    ret = device_rbtree_insert(s, unit, id);
    if (ret) {
      kernel::dev_err(s, dev, "Failed to add to device rbtree");
      free_info(s, id);
      return ret;
    }
  }
  // Scalable mode allocates the device's PASID table (sized from its PASID capability, not from
  // PASID being enabled: that comes at probe_finalize) and sets up its context entry here
  // (intel_pasid_setup_sm_context): Device-TLB Enable follows the unit's support for it, not ATS
  // being on yet.
  if (drv.units[unit].scalable) {
    intel_pasid_alloc_table(s, id);
    s.hw.vtd.at(unit).context[info(s, id).rid()] = {.present = true, .dte = info(s, id).ats_supported};
  }
  drv.info_of[dev] = id;
  return 0;
}

void iommu_enable_pci_ats(System& s, InfoId id) {
  Frame f(s, KFn::iommu_enable_pci_ats);
  if (!info(s, id).ats_supported) return;
  pci::DevId dev = info(s, id).dev;
  if (!pci::ats_page_aligned(s, dev)) return;
  int ret = pci::enable_ats(s, dev, kVtdPageShift);
  if (ret == 0) {
    info(s, id).ats_enabled = true;
    return;
  }
  // Upstream: ATS silently stays off. The proposed change: a failure here is a kernel bug, so WARN.
  s.record.event(kernel::EventKind::AtsEnableFailed, dev, ret);
  if (s.kernel.vtd.policy.warn_on_enable_failure) kernel::warn_on(s, true, "pci_enable_ats(pdev, VTD_PAGE_SHIFT)");
}

void iommu_disable_pci_ats(System& s, InfoId id) {
  Frame f(s, KFn::iommu_disable_pci_ats);
  // Only what this driver enabled: never a pci_disable_ats WARN.
  if (!info(s, id).ats_enabled) return;
  pci::disable_ats(s, info(s, id).dev);
  info(s, id).ats_enabled = false;
}

void probe_finalize(System& s, pci::DevId dev) {
  Frame f(s, KFn::intel_iommu_probe_finalize);
  InfoId id = info_of(s, dev);
  if (id == kNone) return;
  // PASID before ATS: changing PASID Enable while ATS is on is undefined (invariant 7).
  if (info(s, id).pasid_supported && pci::pdev(s, dev).pasid_cap) {
    int features = pci::pasid_features(s, dev);
    if (features >= 0 && pci::enable_pasid(s, dev, static_cast<uint16_t>(features)) == 0) info(s, id).pasid_enabled = true;
  }
  // Scalable mode: ATS once, here, and left on across domain changes (legacy mode: at context mapping).
  if (s.kernel.vtd.units[info(s, id).iommu].scalable) {
    iommu_enable_pci_ats(s, id);
    if (info(s, id).ats_enabled && info(s, id).domain != iommu::kNoDomain) {
      DmarDomainId dd = dmar_domain_of(s, info(s, id).domain);
      if (dd != kNone && cache_tag_assign_devtlb(s, dd, id) != 0) iommu_disable_pci_ats(s, id);
    }
  }
  iommu_enable_pci_pri(s, id);
}

void release_device(System& s, pci::DevId dev) {
  Frame f(s, KFn::intel_iommu_release_device);
  InfoId id = info_of(s, dev);
  if (id == kNone) return;
  iommu_disable_pci_pri(s, id);
  iommu_disable_pci_ats(s, id);
  if (info(s, id).pasid_enabled) {
    pci::disable_pasid(s, dev);
    info(s, id).pasid_enabled = false;
  }
  // The support check is asked again, not remembered: if a FINAL quirk cleared ats_cap since
  // probe, the node stays linked while its info is freed below (the 2026 use-after-free).
  if (pci::ats_supported(s, dev)) device_rbtree_remove(s, id);
  // intel_pasid_teardown_sm_context: the blocked domain already tore the RID_PASID entry down.
  if (s.kernel.vtd.units[info(s, id).iommu].scalable) s.hw.vtd.at(info(s, id).iommu).context.erase(info(s, id).rid());
  free_info(s, id);
  s.kernel.vtd.info_of[dev] = kNone;
}

}  // namespace atslab::vtd
