#include "hw/pcie/atc.h"
#include "check/vtd_amd_invariants.h"

#include <algorithm>
#include <fmt/format.h>

#include "check/state_index.h"
#include "hw/pcie/capability_walk.h"
#include "linux/system.h"

namespace atslab::check {

namespace {

bool hw_ats_on(const System& s, pci::DevId dev) {
  const auto& fn = s.hw.pcie.fn(s.kernel.devs.at(dev).fn);
  return fn.present && hw::pcie::ats_control(fn.cfg).enabled;
}
std::string dev_name(const System& s, pci::DevId d) { return s.kernel.devs.at(d).bdf.str(); }
}  // namespace

void vtd_invariants(const System& s, bool quiescent, const StateIndex* index, std::vector<Violation>& out) {
  const auto& drv = s.kernel.vtd;
  for (uint16_t u = 0; u < drv.units.size(); ++u)
    for (vtd::InfoId id : drv.units[u].device_rbtree)
      if (drv.infos.at(id).freed)
        out.push_back({0, fmt::format("VT-d unit {} device rbtree", u),
                       fmt::format("device_domain_info {} (RID {:04x}) was freed but is still linked", id, drv.infos[id].rid())});
  // 11 for legacy mode: a device with ATS on must sit behind a context entry that serves translation requests.
  const auto* infos = index ? &index->vtd_infos() : nullptr;
  for_ids(infos, drv.infos.size(), [&](vtd::InfoId id) {
    const auto& in = drv.infos[id];
    if (in.freed || in.iommu >= s.hw.vtd.size() || s.hw.vtd[in.iommu].ecap_smts || !hw_ats_on(s, in.dev)) return;
    auto it = s.hw.vtd[in.iommu].context.find(in.rid());
    if (it == s.hw.vtd[in.iommu].context.end() || !it->second.present || it->second.tt != 1)
      out.push_back({11, dev_name(s, in.dev), "PCI ATS is enabled but the context entry is not TT=device-TLB"});
  });
  if (!quiescent) return;
  for_ids(infos, drv.infos.size(), [&](vtd::InfoId id) {
    const auto& in = drv.infos[id];
    if (in.freed) return;
    if (in.ats_enabled != hw_ats_on(s, in.dev))
      out.push_back({9, fmt::format("{} (vtd info {})", dev_name(s, in.dev), id),
                     fmt::format("info->ats_enabled={} but PCI ATS is {}", in.ats_enabled, hw_ats_on(s, in.dev) ? "on" : "off")});
  });
  for_ids(index ? &index->vtd_domains() : nullptr, drv.domains.size(), [&](vtd::DmarDomainId dd) {
    const auto& d = drv.domains[dd];
    if (!d.live) return;
    // Each attachment, the RID's (PASID 0) or a PASID's, has a DEVTLB tag exactly when the
    // device's ATS is on; and every DEVTLB tag is an attachment's.
    auto check = [&](vtd::InfoId id, uint32_t pasid) {
      bool tagged = std::any_of(d.cache_tags.begin(), d.cache_tags.end(), [&](const vtd::CacheTag& t) {
        return t.type == vtd::CacheTagType::Devtlb && t.info == id && t.pasid == pasid;
      });
      if (hw_ats_on(s, drv.infos[id].dev) != tagged)
        out.push_back({14, fmt::format("dmar domain {} (iommu domain {})", dd, d.domain),
                       fmt::format("{}{}: PCI ATS {} but {} DEVTLB cache tag", dev_name(s, drv.infos[id].dev),
                                   pasid ? fmt::format(" PASID {}", pasid) : "", hw_ats_on(s, drv.infos[id].dev) ? "on" : "off",
                                   tagged ? "a" : "no")});
    };
    for (vtd::InfoId id : d.devices) check(id, 0);
    for (const vtd::DevPasid& p : d.dev_pasids) check(p.info, p.pasid);
    for (const vtd::CacheTag& t : d.cache_tags) {
      if (t.type != vtd::CacheTagType::Devtlb) continue;
      const bool attached = t.pasid == 0 ? std::find(d.devices.begin(), d.devices.end(), t.info) != d.devices.end()
                                         : std::any_of(d.dev_pasids.begin(), d.dev_pasids.end(), [&](const vtd::DevPasid& p) {
                                             return p.info == t.info && p.pasid == t.pasid;
                                           });
      if (!attached)
        out.push_back({14, fmt::format("dmar domain {} (iommu domain {})", dd, d.domain),
                       fmt::format("a DEVTLB cache tag for {}{}, which the domain is not attached to", dev_name(s, drv.infos[t.info].dev),
                                   t.pasid ? fmt::format(" PASID {}", t.pasid) : "")});
    }
  });
}

void amd_invariants(const System& s, bool quiescent, const StateIndex* index, std::vector<Violation>& out) {
  if (!quiescent) return;
  const auto& drv = s.kernel.amd;
  for_ids(index ? &index->amd_dev_data() : nullptr, drv.dev_data.size(), [&](amd::DevDataId id) {
    const auto& dd = drv.dev_data[id];
    if (!dd.live) return;
    if (dd.ats_enabled != hw_ats_on(s, dd.dev))
      out.push_back({9, fmt::format("{} (amd dev_data {})", dev_name(s, dd.dev), id),
                     fmt::format("dev_data->ats_enabled={} but PCI ATS is {}", dd.ats_enabled, hw_ats_on(s, dd.dev) ? "on" : "off")});
  });
}

}  // namespace atslab::check
