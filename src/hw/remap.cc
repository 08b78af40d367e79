#include "hw/remap.h"

#include "hw/amd_remap.h"
#include "hw/vtd_remap.h"

namespace atslab::hw {

pcie::FnId function_of_rid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid) {
  for (const auto& rc : m.pcie.root_complexes()) {
    if (rc.iommu != kind || rc.iommu_index != unit) continue;
    const pcie::FnId fn = m.pcie.find(rc.domain, pcie::Bdf{rc.domain, uint8_t(rid >> 8), uint8_t(rid & 0xff)});
    if (fn != pcie::kNoFn) return fn;
  }
  return pcie::kNoFn;
}

InvRange decode_size_bit_range(uint64_t addr, bool s) {
  addr &= ~uint64_t{0xfff};
  if (!s) return {addr, 0x1000};
  for (unsigned b = 12; b < 63; ++b)
    if (!(addr >> b & 1)) {
      const uint64_t size = uint64_t{1} << (b + 1);
      return {addr & ~(size - 1), size};
    }
  return {0, 0};
}

bool atc_invalidate_sync(Machine& m, pcie::FnId fn, const InvRange& r, bool ssv, uint32_t pasid) {
  pcie::Function& f = m.pcie.fn(fn);
  const pcie::AtsControl ctl = pcie::ats_control(f.cfg);
  pcie::AtcInvRequest req;
  req.ssv = ssv;
  req.pasid = ssv ? pasid : 0;
  req.addr = r.addr;
  req.size = r.size;
  if (!f.atc.receive_invalidation(req, ctl)) return false;
  while (!f.atc.inv_queue.empty()) f.atc.process_invalidations(ctl.qdep);
  // The unit collected the completion: nothing stays outstanding between requests.
  f.atc.completions.clear();
  return true;
}

RemapResult remap_translate(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid, uint64_t iova) {
  if (!has_remap_unit(m, kind, unit)) return {};
  return kind == pcie::IommuKind::Vtd ? vtd_translate(m.vtd[unit], rid, iova) : amd_translate(m.amd[unit], rid, iova);
}

RemapResult remap_translation_request(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid,
                                      uint64_t iova) {
  if (!remap_translated_allowed(m, kind, unit, rid)) return {};
  return remap_translate(m, kind, unit, rid, iova);
}

bool remap_translated_allowed(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid) {
  if (!has_remap_unit(m, kind, unit)) return false;
  return kind == pcie::IommuKind::Vtd ? vtd_devtlb_enabled(m.vtd[unit], rid) : amd_iotlb_enabled(m.amd[unit], rid);
}

RemapResult remap_translate_pasid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid, uint32_t pasid,
                                  uint64_t iova) {
  if (!has_remap_unit(m, kind, unit) || kind != pcie::IommuKind::Vtd) return {};
  return vtd_translate_pasid(m.vtd[unit], rid, pasid, iova);
}

RemapResult remap_translation_request_pasid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid,
                                            uint32_t pasid, uint64_t iova) {
  if (!remap_translated_allowed_pasid(m, kind, unit, rid, pasid)) return {};
  return remap_translate_pasid(m, kind, unit, rid, pasid, iova);
}

bool remap_translated_allowed_pasid(const Machine& m, pcie::IommuKind kind, unsigned unit, uint16_t rid, uint32_t pasid) {
  if (!has_remap_unit(m, kind, unit) || kind != pcie::IommuKind::Vtd) return false;
  return vtd_devtlb_enabled_pasid(m.vtd[unit], rid, pasid);
}

bool has_remap_unit(const Machine& m, pcie::IommuKind kind, unsigned unit) {
  if (kind == pcie::IommuKind::Vtd) return unit < m.vtd.size();
  if (kind == pcie::IommuKind::Amd) return unit < m.amd.size();
  return false;
}

}  // namespace atslab::hw
