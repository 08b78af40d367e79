#include "hw/pcie/atc.h"

#include <algorithm>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"

namespace atslab::hw::pcie {

AtsControl ats_control(const ConfigSpace& cfg) {
  AtsControl c;
  const uint16_t pos = cfg.ats_cap_offset();
  if (!pos) return c;
  c.present = true;
  const uint16_t ctrl = cfg.read16(uint16_t(pos + ats::kCtrl));
  const uint16_t cap = cfg.read16(uint16_t(pos + ats::kCap));
  c.enabled = (ctrl & ats::kCtrlEnable) != 0;
  c.stu_shift = ats::kMinStu + (ctrl & ats::kCtrlStuMask);
  const unsigned q = cap & ats::kCapQdepMask;
  c.qdep = q ? q : ats::kMaxQdep;
  return c;
}

void Atc::fill(AtcEntry e, unsigned stu_shift) {
  const uint64_t stu = uint64_t{1} << stu_shift;
  if (e.size < stu) e.size = stu;
  const uint64_t off = e.iova & (e.size - 1);
  e.iova -= off;
  e.pa -= off;
  std::erase_if(entries, [&](const AtcEntry& x) {
    return x.ssv == e.ssv && x.pasid == e.pasid && x.iova < e.iova + e.size && e.iova < x.iova + x.size;
  });
  entries.push_back(e);
}

void Atc::fill_completion(bool ssv, uint32_t pasid, uint64_t iova, uint64_t size, uint64_t pa, bool writable,
                          unsigned stu_shift) {
  fill({.ssv = ssv, .pasid = pasid, .iova = iova & ~(size - 1), .size = size, .pa = pa, .writable = writable}, stu_shift);
}

std::optional<AtcEntry> Atc::lookup(bool ssv, uint32_t pasid, uint64_t iova) const {
  for (const auto& e : entries)
    if (e.ssv == ssv && (!ssv || e.pasid == pasid) && iova >= e.iova && iova - e.iova < e.size) return e;
  return std::nullopt;
}

void Atc::enabled() {
  if (on_enable == AtcOnEnable::Invalidate) entries.clear();
}

bool Atc::receive_invalidation(const AtcInvRequest& req, const AtsControl& ctl) {
  if (!ctl.enabled && inv_while_disabled == AtcInvWhileDisabled::Ignore) {
    invalidations_ignored++;
    return false;
  }
  inv_queue.push_back(req);
  return true;
}

unsigned Atc::process_invalidations(unsigned qdep) {
  unsigned n = 0;
  while (!inv_queue.empty() && n < qdep) {
    const AtcInvRequest r = inv_queue.front();
    inv_queue.erase(inv_queue.begin());
    std::erase_if(entries, [&](const AtcEntry& e) {
      // Without a PASID the request also hits PASID-tagged entries.
      if (r.ssv && (!e.ssv || e.pasid != r.pasid)) return false;
      if (r.size == 0) return true;
      return e.iova < r.addr + r.size && r.addr < e.iova + e.size;
    });
    completions.push_back(r.itag);
    n++;
  }
  return n;
}

}  // namespace atslab::hw::pcie
