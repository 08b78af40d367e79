#include "hw/remap_dma.h"

#include "hw/ats_dma.h"
#include "hw/remap.h"

namespace atslab::hw {

namespace {
uint16_t rid_of(const Machine& m, pcie::FnId fn) { return m.pcie.fn(fn).bdf.rid(); }
}  // namespace

bool remap_device_ats_translate(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint64_t iova) {
  pcie::Function& f = m.pcie.fn(fn);
  const pcie::AtsControl ctl = pcie::ats_control(f.cfg);
  if (!ctl.enabled) return false;
  const RemapResult r = remap_translation_request(m, kind, unit, rid_of(m, fn), iova);
  if (!r.ok) return false;
  f.atc.fill_completion(false, 0, iova, r.size, r.pa, r.writable, ctl.stu_shift);
  return true;
}

DmaResult remap_device_dma(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint64_t iova, bool write) {
  DmaResult d;
  const uint16_t rid = rid_of(m, fn);
  auto land = [&](uint64_t pa) {
    d.ok = true;
    d.pa = pa;
    d.owner = m.memory.owner(pa);
  };
  if (pcie::ats_control(m.pcie.fn(fn).cfg).enabled) {
    const auto hit = ats_dma_entry(m, fn, false, 0, iova, write, d.atc_hit,
                                   [&] { remap_device_ats_translate(m, kind, unit, fn, iova); });
    if (!hit) return d;
    d.translated = true;
    d.atc_entry = hit;
    // The unit checks only that the device may send translated requests, not the address.
    if (remap_translated_allowed(m, kind, unit, rid)) land(hit->pa + (iova - hit->iova));
    return d;
  }
  const RemapResult r = remap_translate(m, kind, unit, rid, iova);
  if (r.ok) land(r.pa + (iova & 0xfff));
  return d;
}

bool remap_device_ats_translate_pasid(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint32_t pasid,
                                      uint64_t iova) {
  pcie::Function& f = m.pcie.fn(fn);
  const pcie::AtsControl ctl = pcie::ats_control(f.cfg);
  if (!ctl.enabled) return false;
  const RemapResult r = remap_translation_request_pasid(m, kind, unit, rid_of(m, fn), pasid, iova);
  if (!r.ok) return false;
  f.atc.fill_completion(true, pasid, iova, r.size, r.pa, r.writable, ctl.stu_shift);
  return true;
}

DmaResult remap_device_pasid_dma(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint32_t pasid,
                                 uint64_t iova, bool write) {
  DmaResult d;
  const uint16_t rid = rid_of(m, fn);
  auto land = [&](uint64_t pa) {
    d.ok = true;
    d.pa = pa;
    d.owner = m.memory.owner(pa);
  };
  if (pcie::ats_control(m.pcie.fn(fn).cfg).enabled) {
    const auto hit = ats_dma_entry(m, fn, true, pasid, iova, write, d.atc_hit,
                                   [&] { remap_device_ats_translate_pasid(m, kind, unit, fn, pasid, iova); });
    if (!hit) return d;
    d.translated = true;
    d.atc_entry = hit;
    if (remap_translated_allowed_pasid(m, kind, unit, rid, pasid)) land(hit->pa + (iova - hit->iova));
    return d;
  }
  const RemapResult r = remap_translate_pasid(m, kind, unit, rid, pasid, iova);
  if (r.ok) land(r.pa + (iova & 0xfff));
  return d;
}

}  // namespace atslab::hw
