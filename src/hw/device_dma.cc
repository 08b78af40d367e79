#include "hw/device_dma.h"

#include "hw/ats_dma.h"
#include "hw/smmuv3/translate.h"

namespace atslab::hw {

namespace {
uint32_t sid_of(const Machine& m, pcie::FnId fn) { return m.pcie.fn(fn).bdf.rid(); }
}  // namespace

bool device_ats_translate(Machine& m, unsigned smmu, pcie::FnId fn, bool ssv, uint32_t pasid, uint64_t iova,
                          bool write, std::optional<smmuv3::EventId>* event) {
  pcie::Function& f = m.pcie.fn(fn);
  const pcie::AtsControl ctl = pcie::ats_control(f.cfg);
  if (!ctl.enabled) return false;
  smmuv3::DeviceRequest req{sid_of(m, fn), ssv, pasid, iova, write};
  const smmuv3::TranslateResult r = smmuv3::ats_translation_request(m, smmu, req);
  if (event) *event = r.event;
  if (!r.ok) return false;
  f.atc.fill_completion(ssv, pasid, iova, r.size, r.pa, r.writable, ctl.stu_shift);
  return true;
}

DmaResult device_dma(Machine& m, unsigned smmu, pcie::FnId fn, bool ssv, uint32_t pasid, uint64_t iova, bool write) {
  DmaResult d;
  const uint32_t sid = sid_of(m, fn);
  if (pcie::ats_control(m.pcie.fn(fn).cfg).enabled) {
    const auto hit = ats_dma_entry(m, fn, ssv, pasid, iova, write, d.atc_hit,
                                   [&] { device_ats_translate(m, smmu, fn, ssv, pasid, iova, write, &d.event); });
    if (!hit) return d;  // no translation, or no write permission: the device does not issue the access
    const smmuv3::TranslateResult r = smmuv3::translated_request(m, smmu, sid, hit->pa + (iova - hit->iova), write);
    d.translated = true;
    d.atc_entry = hit;
    d.ok = r.ok;
    d.pa = r.pa;
    d.owner = r.owner;
    if (r.event) d.event = r.event;
    return d;
  }
  const smmuv3::TranslateResult r = smmuv3::translate(m, smmu, {sid, ssv, pasid, iova, write});
  d.ok = r.ok;
  d.pa = r.pa;
  d.owner = r.owner;
  if (r.event) d.event = r.event;
  return d;
}

}  // namespace atslab::hw
