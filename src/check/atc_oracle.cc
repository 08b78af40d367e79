#include "check/atc_oracle.h"

#include <fmt/format.h>

#include "hw/remap.h"
#include "hw/smmuv3/translate.h"
#include "linux/system.h"

namespace atslab::check {

namespace {

constexpr uint64_t kPage = 0x1000;
constexpr uint64_t kMaxPagesChecked = 512;  // 2 MiB of an entry

std::string describe_entry(const hw::pcie::AtcEntry& e) {
  return fmt::format("{}IOVA {:#x}+{:#x} -> PA {:#x} ({})", e.ssv ? fmt::format("PASID {} ", e.pasid) : "", e.iova, e.size,
                     e.pa, e.writable ? "rw" : "ro");
}

}  // namespace

std::optional<std::string> atc_entry_stale(const System& s, hw::pcie::FnId fn, const hw::pcie::AtcEntry& e,
                                           uint64_t iova) {
  const auto& f = s.hw.pcie.fn(fn);
  const auto& rc = s.hw.pcie.rc(f.rc);
  const uint64_t page = iova & ~(kPage - 1);
  const uint64_t stale_pa = e.pa + (page - e.iova);
  if (rc.iommu == hw::pcie::IommuKind::Vtd || rc.iommu == hw::pcie::IommuKind::Amd) {
    // The unit's entries and tables as they are now: the RID's, or the PASID's for a PASID-tagged
    // entry (scalable-mode VT-d's PASID table; an AMD-Vi IOMMU gives none in the model).
    const char* unit = rc.iommu == hw::pcie::IommuKind::Vtd ? "VT-d unit" : "IOMMU";
    if (!hw::has_remap_unit(s.hw, rc.iommu, rc.iommu_index)) return fmt::format("no {} translates this function's traffic", unit);
    const hw::RemapResult now =
        e.ssv ? hw::remap_translation_request_pasid(s.hw, rc.iommu, rc.iommu_index, f.bdf.rid(), e.pasid, page)
              : hw::remap_translation_request(s.hw, rc.iommu, rc.iommu_index, f.bdf.rid(), page);
    if (!now.ok)
      return fmt::format("the {} now refuses IOVA {:#x} (the device still has PA {:#x})", unit, page, stale_pa);
    if (now.pa != stale_pa)
      return fmt::format("IOVA {:#x} now translates to PA {:#x}, the device still has PA {:#x}", page, now.pa, stale_pa);
    return std::nullopt;
  }
  if (rc.iommu != hw::pcie::IommuKind::Smmuv3 || rc.iommu_index >= s.hw.smmus.size())
    return std::string("no SMMU translates this function's traffic");
  const hw::smmuv3::DeviceRequest req{f.bdf.rid(), e.ssv, e.pasid, page, false};
  const hw::smmuv3::TranslateResult now = hw::smmuv3::ats_translation_from_tables(s.hw, rc.iommu_index, req);
  if (!now.ok || !(now.readable || now.writable))
    return fmt::format("the SMMU now refuses IOVA {:#x} ({}) (the device still has PA {:#x})", page,
                       hw::smmuv3::ats_response(now), stale_pa);
  if (now.pa != stale_pa)
    return fmt::format("IOVA {:#x} now translates to PA {:#x}, the device still has PA {:#x}", page, now.pa, stale_pa);
  if (e.writable && !now.writable)
    return fmt::format("IOVA {:#x} is now read-only, the device still may write PA {:#x}", page, stale_pa);
  return std::nullopt;
}

void atc_oracle(const System& s, std::vector<Violation>& out) {
  const auto& fns = s.hw.pcie.functions();
  for (hw::pcie::FnId fn = 0; fn < fns.size(); ++fn) {
    const auto& f = fns[fn];
    // A compliant endpoint whose ATS is off never uses what its ATC holds: the next enable
    // invalidates it all.
    if (!f.present || f.atc.entries.empty() || !f.atc.entries_reachable(hw::pcie::ats_control(f.cfg))) continue;
    for (const auto& e : f.atc.entries) {
      const uint64_t pages = std::min(e.size / kPage, kMaxPagesChecked);
      for (uint64_t i = 0; i < pages; ++i) {
        auto why = atc_entry_stale(s, fn, e, e.iova + i * kPage);
        if (!why) continue;
        out.push_back({20, f.bdf.str(), fmt::format("stale ATC entry {}: {}", describe_entry(e), *why)});
        break;  // one report per entry
      }
    }
  }
}

}  // namespace atslab::check
