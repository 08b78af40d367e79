#include "hw/vtd_remap.h"

namespace atslab::hw {

namespace {

RemapResult walk(const VtdUnit& u, uint16_t did, uint64_t iova) {
  auto t = u.page_tables.find(did);
  if (t == u.page_tables.end()) return {};
  auto pa = t->second.lookup(iova & ~uint64_t{0xfff});
  if (!pa) return {};
  return {true, *pa, 0x1000, true};
}

RemapResult pass_through(uint64_t iova) { return {true, iova & ~uint64_t{0xfff}, 0x1000, true}; }
}  // namespace

RemapResult vtd_translate(const VtdUnit& u, uint16_t rid, uint64_t iova) {
  auto c = u.context.find(rid);
  if (c == u.context.end() || !c->second.present) return {};
  if (!u.ecap_smts) {
    if (c->second.tt == 2) return pass_through(iova);
    return walk(u, c->second.did, iova);
  }
  auto p = u.rid_pasid.find(rid);
  if (p == u.rid_pasid.end() || !p->second.present) return {};
  if (p->second.pgtt == kPgttPassThrough) return pass_through(iova);
  if (p->second.pgtt == kPgttSecondLevel) return walk(u, p->second.did, iova);
  return {};
}

bool vtd_devtlb_enabled(const VtdUnit& u, uint16_t rid) {
  if (!u.ecap_dt) return false;
  auto c = u.context.find(rid);
  if (c == u.context.end() || !c->second.present) return false;
  if (!u.ecap_smts) return c->second.tt == 1;
  auto p = u.rid_pasid.find(rid);
  return c->second.dte && p != u.rid_pasid.end() && p->second.present;
}

RemapResult vtd_translate_pasid(const VtdUnit& u, uint16_t rid, uint32_t pasid, uint64_t iova) {
  if (!u.ecap_smts || !u.ecap_pasid) return {};
  auto c = u.context.find(rid);
  if (c == u.context.end() || !c->second.present) return {};
  auto p = u.pasid_table.find(vtd_pasid_key(rid, pasid));
  if (p == u.pasid_table.end() || !p->second.present) return {};
  if (p->second.pgtt == kPgttPassThrough) return pass_through(iova);
  if (p->second.pgtt == kPgttSecondLevel) return walk(u, p->second.did, iova);
  return {};
}

bool vtd_devtlb_enabled_pasid(const VtdUnit& u, uint16_t rid, uint32_t pasid) {
  if (!u.ecap_dt || !u.ecap_smts || !u.ecap_pasid) return false;
  auto c = u.context.find(rid);
  if (c == u.context.end() || !c->second.present || !c->second.dte) return false;
  auto p = u.pasid_table.find(vtd_pasid_key(rid, pasid));
  return p != u.pasid_table.end() && p->second.present;
}

void vtd_execute_qi(Machine& m, unsigned unit, uint64_t qw0, uint64_t qw1) {
  const uint64_t type = qw0 & 0xff;
  if ((type != kQiTypeDevIotlb && type != kQiTypePasidDevIotlb) || unit >= m.vtd.size()) return;
  const uint16_t sid = static_cast<uint16_t>(qw0 >> 8);
  const pcie::FnId fn = function_of_rid(m, pcie::IommuKind::Vtd, unit, sid);
  if (fn == pcie::kNoFn || !m.pcie.fn(fn).present) return;  // nobody there: nothing to wait for
  const bool with_pasid = type == kQiTypePasidDevIotlb;
  atc_invalidate_sync(m, fn, decode_size_bit_range(qw1, (qw1 & kQiDevIotlbSize) != 0), with_pasid,
                      with_pasid ? vtd_qi_pasid(qw0, qw1) : 0);
}

}  // namespace atslab::hw
