#include "hw/smmuv3/cmdq.h"

#include <algorithm>
#include <tuple>

#include "hw/smmuv3/mmio.h"

namespace atslab::hw::smmuv3 {

namespace {

uint32_t ring_index(const Smmu& s, uint32_t ptr) { return ptr & (s.cmdq_entries() - 1); }
uint32_t ring_advance(const Smmu& s, uint32_t ptr) { return (ptr + 1) & (2 * s.cmdq_entries() - 1); }
bool in_error(const Smmu& s) { return ((s.gerror ^ s.gerrorn) & reg::kGerrorCmdqErr) != 0; }

void raise_cmdq_error(Smmu& s, uint8_t cerror) {
  s.cerror = cerror;
  s.gerror ^= reg::kGerrorCmdqErr;
}

void forward_atc_inv(Machine& m, unsigned idx, const Command& c) {
  Smmu& s = m.smmus[idx];
  const pcie::FnId fn = function_of_sid(m, idx, c.sid);
  if (fn == pcie::kNoFn) return;  // nobody there: nothing to wait for
  pcie::Function& f = m.pcie.fn(fn);
  pcie::AtcInvRequest req;
  req.itag = s.next_itag++;
  req.ssv = c.ssv;
  req.pasid = c.ssid;
  req.size = c.size >= cmdq::kAtcInvSizeAll ? 0 : (uint64_t{4096} << c.size);
  // The span is aligned to its size by the SMMU: Address[11 + Size:0] is taken as zero (IHI 0070
  // 4.5.1), whatever the command carries there.
  req.addr = req.size ? c.addr & ~(req.size - 1) : 0;
  // Outstanding whether or not the endpoint keeps it: the SMMU cannot tell.
  s.atc_inv_outstanding.push_back({c.sid, req.itag});
  f.atc.receive_invalidation(req, pcie::ats_control(f.cfg));
}

void execute_tlbi(Smmu& s, const Command& c) {
  switch (c.op) {
    case Op::TLBI_NH_ALL: s.iotlb.inv_s1_vmid(c.vmid); break;
    case Op::TLBI_NH_ASID: s.iotlb.inv_asid(c.asid, c.vmid); break;
    case Op::TLBI_S12_VMALL: s.iotlb.inv_vmid(c.vmid); break;
    case Op::TLBI_NSNH_ALL:
    case Op::TLBI_EL2_ALL: s.iotlb.inv_all(); break;
    case Op::TLBI_NH_VA:
    case Op::TLBI_EL2_VA:
    case Op::TLBI_S2_IPA: {
      // Without RIL fields (NUM=SCALE=0) one page; with them (NUM+1) << (SCALE) granules.
      const uint64_t size = c.num || c.scale ? (uint64_t{c.num} + 1) << (c.scale + 12) : 4096;
      if (c.op == Op::TLBI_S2_IPA) s.iotlb.inv_ipa(c.vmid, c.addr, size);
      else s.iotlb.inv_va(c.asid, c.vmid, c.addr, size);
      break;
    }
    default: break;
  }
}

}  // namespace

pcie::FnId function_of_sid(const Machine& m, unsigned smmu, uint32_t sid) {
  const auto& rcs = m.pcie.root_complexes();
  const pcie::RcId rc = m.smmus.at(smmu).rc;
  if (rc >= rcs.size()) return pcie::kNoFn;
  return m.pcie.find(rcs[rc].domain, pcie::Bdf{rcs[rc].domain, uint8_t(sid >> 8), uint8_t(sid & 0xff)});
}

RawCommand cmdq_entry(const memory::Memory& mem, const Smmu& s, uint32_t ptr) {
  const uint64_t base = s.prog.cmdq_base & mmio::kQBaseAddrMask;
  if (!base) return s.cmdq[ring_index(s, ptr)];
  RawCommand raw;
  mem.read_qwords(base + uint64_t{ring_index(s, ptr)} * sizeof(RawCommand), raw.data(), 2);
  return raw;
}

namespace {
bool sync_waiting(const RawCommand& at_cons) {
  auto c = decode(at_cons);
  return c && c->op == Op::CMD_SYNC;
}
}  // namespace

bool cmdq_sync_waiting(const Machine& m, unsigned smmu) {
  const Smmu& s = m.smmus.at(smmu);
  if (s.cmdq_cons == s.cmdq_prod || s.atc_inv_outstanding.empty()) return false;
  return sync_waiting(cmdq_entry(m.memory, s, s.cmdq_cons));
}

bool cmdq_sync_waiting(const Smmu& s) {
  if (s.cmdq_cons == s.cmdq_prod || s.atc_inv_outstanding.empty()) return false;
  return sync_waiting(s.cmdq[ring_index(s, s.cmdq_cons)]);
}

void cmdq_consume(Machine& m, unsigned idx) {
  Smmu& s = m.smmus.at(idx);
  if (!(s.cr0 & reg::kCr0CmdqEn) || in_error(s)) return;
  while (s.cmdq_cons != s.cmdq_prod) {
    const auto c = decode(cmdq_entry(m.memory, s, s.cmdq_cons));
    if (!c) {
      raise_cmdq_error(s, reg::kCerrorIll);
      return;
    }
    switch (c->op) {
      case Op::CMD_SYNC:
        if (!s.atc_inv_outstanding.empty()) return;  // waits; CONS stays here
        s.syncs_completed++;
        break;
      case Op::ATC_INV:
        if (!s.ats()) {
          raise_cmdq_error(s, reg::kCerrorIll);
          return;
        }
        // IGNORED with SMMUEN clear (4.5.1): consumed, nothing sent, nothing to wait for.
        if (s.cr0 & reg::kCr0SmmuEn) forward_atc_inv(m, idx, *c);
        break;
      default:
        execute_tlbi(s, *c);
        break;
    }
    s.cmdq_cons = ring_advance(s, s.cmdq_cons);
  }
}

void write_cmdq_prod(Machine& m, unsigned idx, uint32_t prod) {
  m.smmus.at(idx).cmdq_prod = prod;
  cmdq_consume(m, idx);
}

unsigned endpoints_respond(Machine& m, unsigned idx) {
  Smmu& s = m.smmus.at(idx);
  std::vector<uint32_t> sids;
  for (const auto& o : s.atc_inv_outstanding) sids.push_back(o.sid);
  std::sort(sids.begin(), sids.end());
  sids.erase(std::unique(sids.begin(), sids.end()), sids.end());
  std::vector<OutstandingAtcInv> done;
  // One round per endpoint: it works through at most its queue depth.
  for (uint32_t sid : sids) {
    const pcie::FnId fn = function_of_sid(m, idx, sid);
    if (fn == pcie::kNoFn) continue;
    pcie::Function& f = m.pcie.fn(fn);
    f.atc.process_invalidations(pcie::ats_control(f.cfg).qdep);
    for (uint32_t itag : f.atc.completions) done.push_back({sid, itag});
    f.atc.completions.clear();
  }
  // One pass over the outstanding list, not one per completion.
  std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return std::tie(a.sid, a.itag) < std::tie(b.sid, b.itag); });
  const size_t erased = std::erase_if(s.atc_inv_outstanding, [&](const OutstandingAtcInv& x) {
    return std::binary_search(done.begin(), done.end(), x,
                              [](const auto& a, const auto& b) { return std::tie(a.sid, a.itag) < std::tie(b.sid, b.itag); });
  });
  cmdq_consume(m, idx);
  return unsigned(erased);
}

bool cmdq_atc_inv_timeout(Machine& m, unsigned idx) {
  Smmu& s = m.smmus.at(idx);
  if (!cmdq_sync_waiting(m, idx)) return false;
  s.atc_inv_outstanding.clear();
  s.atc_inv_timeouts++;
  raise_cmdq_error(s, reg::kCerrorAtcInvSync);
  return true;
}

void ack_gerror(Machine& m, unsigned idx) {
  Smmu& s = m.smmus.at(idx);
  s.gerrorn = s.gerror;
  cmdq_consume(m, idx);
}

}  // namespace atslab::hw::smmuv3
