#include "hw/remap_dma.h"

#include <optional>

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

namespace {

// A DMA, untagged (`pasid` empty) or tagged with a PASID: with ATS on, through the function's ATC
// (a miss sends a Translation Request first) and let through as translated if the unit allows the
// requester translated requests (it checks only that, not the address); with ATS off, translated
// by the unit.
DmaResult device_dma(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, std::optional<uint32_t> pasid,
                     uint64_t iova, bool write) {
  DmaResult d;
  const uint16_t rid = rid_of(m, fn);
  auto land = [&](uint64_t pa) {
    d.ok = true;
    d.pa = pa;
    d.owner = m.memory.owner(pa);
  };
  if (pcie::ats_control(m.pcie.fn(fn).cfg).enabled) {
    const auto hit = ats_dma_entry(m, fn, pasid.has_value(), pasid.value_or(0), iova, write, d.atc_hit, [&] {
      if (pasid) remap_device_ats_translate_pasid(m, kind, unit, fn, *pasid, iova);
      else remap_device_ats_translate(m, kind, unit, fn, iova);
    });
    if (!hit) return d;
    d.translated = true;
    d.atc_entry = hit;
    const bool allowed =
        pasid ? remap_translated_allowed_pasid(m, kind, unit, rid, *pasid) : remap_translated_allowed(m, kind, unit, rid);
    if (allowed) land(hit->pa + (iova - hit->iova));
    return d;
  }
  const RemapResult r = pasid ? remap_translate_pasid(m, kind, unit, rid, *pasid, iova) : remap_translate(m, kind, unit, rid, iova);
  if (r.ok) land(r.pa + (iova & 0xfff));
  return d;
}

}  // namespace

DmaResult remap_device_dma(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint64_t iova, bool write) {
  return device_dma(m, kind, unit, fn, std::nullopt, iova, write);
}

DmaResult remap_device_pasid_dma(Machine& m, pcie::IommuKind kind, unsigned unit, pcie::FnId fn, uint32_t pasid,
                                 uint64_t iova, bool write) {
  return device_dma(m, kind, unit, fn, pasid, iova, write);
}

}  // namespace atslab::hw
