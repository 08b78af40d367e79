#include "hw/smmuv3/translate.h"

#include <algorithm>

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/pgtable.h"
#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"

namespace atslab::hw::smmuv3 {

namespace {

// Translated: an ATS Translated transaction checked against the STE (its configuration errors are
// not recorded, as a Translation Request's are not).
enum class Mode : uint8_t { Untranslated, AtsRequest, Translated };

struct Ctx {
  const Machine& m;
  const Smmu& s;
  Smmu* fx;  // where the IOTLB and the event queue are updated; null for a walk from the tables alone
  const DeviceRequest& req;
  Mode mode;
  TranslateResult r;

  TranslateResult& fail(EventId id, bool record = true) {
    r.ok = false;
    if (record) {
      r.event = id;
      if (fx && (s.cr0 & reg::kCr0EvtqEn)) fx->evtq.push_back({id, req.sid, req.ssv, req.ssid, req.addr});
    }
    return r;
  }
  TranslateResult& abort_silently() {
    r.ok = false;
    return r;
  }
  // A Translation Request refused with Unsupported Request, F_BAD_ATS_TREQ recorded or not.
  TranslateResult& ats_unsupported(bool record) {
    r.ats = AtsStatus::UnsupportedRequest;
    return record ? fail(EventId::F_BAD_ATS_TREQ) : abort_silently();
  }
  // A configuration error: an ordinary transaction records `id`; a Translation Request is
  // completed with CA and a Translated transaction aborted, neither recording it.
  TranslateResult& config_error(EventId id) {
    if (mode == Mode::Untranslated) return fail(id);
    r.ats = AtsStatus::CompleterAbort;
    r.unrecorded = id;
    return abort_silently();
  }
  TranslateResult& done(uint64_t pa, uint64_t size, bool rd, bool wr) {
    r.pa = pa;
    r.size = size;
    r.readable = rd;
    r.writable = wr;
    r.ok = mode == Mode::AtsRequest || (req.write ? wr : rd);
    r.owner = m.memory.owner(pa);
    return r;
  }
  std::optional<IotlbEntry> iotlb_lookup(bool s1, bool nested, uint16_t asid, uint16_t vmid, uint64_t addr) const {
    if (!fx) return std::nullopt;
    return s.iotlb.lookup(s1, nested, asid, vmid, addr);
  }
  void iotlb_insert(const IotlbEntry& e) {
    if (fx) fx->iotlb.insert(e);
  }
};

EventId fault_event(pgtable::Fault f) {
  switch (f) {
    case pgtable::Fault::AddressSize: return EventId::F_ADDR_SIZE;
    case pgtable::Fault::Access: return EventId::F_ACCESS;
    case pgtable::Fault::Permission: return EventId::F_PERMISSION;
    default: return EventId::F_TRANSLATION;
  }
}

unsigned start_level_for(unsigned ia_bits) {
  const unsigned levels = (ia_bits - 12 + 8) / 9;  // ceil((ia_bits - 12) / 9)
  return 4 - levels;
}

// The stage-2 walk parameters of an STE; nullopt when the model cannot walk them.
std::optional<pgtable::S2Context> s2_context(const Entry& ste_ent) {
  const uint64_t vtcr = field_get(ste::k2Vtcr, ste_ent[2]);
  const unsigned t0sz = unsigned(field_get(ste::kVtcrS2T0sz, vtcr));
  const unsigned sl0 = unsigned(field_get(ste::kVtcrS2Sl0, vtcr));
  // Simplification: 4 KiB granule (S2TG=0), AArch64, SL0 0..2 (start level 2..0) only.
  if (field_get(ste::kVtcrS2Tg, vtcr) != 0 || !(ste_ent[2] & ste::k2S2Aa64) || sl0 > 2 || t0sz < 16) return std::nullopt;
  pgtable::S2Context c;
  c.ttb = ste_ent[3] & ste::k3S2TtbMask;
  c.start_level = 2 - sl0;
  c.ia_bits = 64 - t0sz;
  return c;
}

// An STE the SMMU treats as ILLEGAL (C_BAD_STE) whatever the request: V clear,
// a reserved CFG, a CFG needing a stage this SMMU does not implement
// (IDR0.S1P / S2P), more substreams than it supports (S1CDMAX above
// IDR1.SSIDSIZE), or an EATS value or combination the architecture forbids.
bool ste_illegal(const Smmu& s, const Entry& e) {
  if (!(e[0] & ste::k0V)) return true;
  const uint64_t cfg = field_get(ste::k0Cfg, e[0]);
  if (cfg != ste::kCfgAbort && cfg < ste::kCfgBypass) return true;
  const bool s1 = cfg == ste::kCfgS1Trans || cfg == ste::kCfgNested;
  const bool s2 = cfg == ste::kCfgS2Trans || cfg == ste::kCfgNested;
  if ((s1 && !(s.idr0 & reg::kIdr0S1p)) || (s2 && !(s.idr0 & reg::kIdr0S2p))) return true;
  if (s1 && field_get(ste::k0S1CdMax, e[0]) > field_get(reg::kIdr1SsidSize, s.idr1)) return true;
  if (s1 || s2) {
    const uint64_t eats = field_get(ste::k1Eats, e[1]);
    if (eats == 3 || (s2 && eats != ste::kEatsAbt && (e[2] & ste::k2S2S))) return true;
    if (eats == ste::kEatsS1Chk && cfg != ste::kCfgNested) return true;
  }
  return false;
}

// `fx` null: from the tables in memory alone (no IOTLB, nothing recorded).
TranslateResult resolve(const Machine& m, unsigned idx, Smmu* fx, const DeviceRequest& req, Mode mode) {
  Ctx c{m, m.smmus.at(idx), fx, req, mode, {}};
  const Smmu& s = c.s;
  if (!(s.cr0 & reg::kCr0SmmuEn)) {
    // A Translation Request: UR and F_BAD_ATS_TREQ (3.9.1.2). Simplification: GBPA is "bypass".
    if (mode == Mode::AtsRequest) return c.ats_unsupported(true);
    return c.done(req.addr, 0x1000, true, true);
  }
  const auto ste_pa = ste_address(m.memory, s, req.sid);
  if (!ste_pa) return c.config_error(EventId::C_BAD_STREAMID);
  const Entry e = read_entry(m.memory, *ste_pa);
  if (ste_illegal(s, e)) return c.config_error(EventId::C_BAD_STE);
  const uint64_t cfg = field_get(ste::k0Cfg, e[0]);
  const uint64_t eats = field_get(ste::k1Eats, e[1]);
  const bool s1 = cfg == ste::kCfgS1Trans || cfg == ste::kCfgNested;
  const bool s2 = cfg == ste::kCfgS2Trans || cfg == ste::kCfgNested;
  // 3.9.1.2: an abort STE refuses a Translation Request with UR and records nothing; a bypass
  // STE, EATS=ABT (and an SMMU without ATS, a simplification) with UR and F_BAD_ATS_TREQ.
  if (mode == Mode::AtsRequest && cfg == ste::kCfgAbort) return c.ats_unsupported(false);
  if (mode == Mode::AtsRequest && (!s.ats() || !(s1 || s2) || eats == ste::kEatsAbt)) return c.ats_unsupported(true);
  if (cfg == ste::kCfgAbort) return c.abort_silently();
  // Stage 1 disabled (bypass, stage 2 only): a SubstreamID has no CD to select, and the
  // transaction is aborted with C_BAD_SUBSTREAMID (STE.S1Fmt; 3.9).
  if (!s1 && req.ssv) return c.config_error(EventId::C_BAD_SUBSTREAMID);
  if (cfg == ste::kCfgBypass) return c.done(req.addr, 0x1000, true, true);

  std::optional<pgtable::S2Context> s2c;
  if (s2) {
    s2c = s2_context(e);
    if (!s2c) return c.config_error(EventId::C_BAD_STE);
  }
  const uint16_t vmid = uint16_t(field_get(ste::k2S2Vmid, e[2]));
  const bool s2_record = (e[2] & ste::k2S2R) != 0;

  uint64_t ipa = req.addr, size = uint64_t{1} << 48;
  bool rd = true, wr = true;
  bool did_s1 = false, s1_record = true;
  uint16_t asid = 0;
  if (s1) {
    const unsigned cdmax = unsigned(field_get(ste::k0S1CdMax, e[0]));
    bool use_cd = true;
    uint32_t ssid = 0;
    if (req.ssv) {
      if (cdmax == 0 || (uint64_t{req.ssid} >> cdmax) != 0) return c.config_error(EventId::C_BAD_SUBSTREAMID);
      ssid = req.ssid;
    } else if (cdmax != 0) {
      const uint64_t dss = field_get(ste::k1S1Dss, e[1]);
      if (dss == ste::kS1DssTerminate) return c.config_error(EventId::F_STREAM_DISABLED);
      if (dss == ste::kS1DssBypass) use_cd = false;
      if (dss == 3) return c.config_error(EventId::C_BAD_STE);
    }
    if (use_cd) {
      // Simplification: the CD table address is used as a PA even when nested.
      const auto cd_pa = cd_address(m.memory, e, ssid);
      if (!cd_pa) return c.config_error(EventId::C_BAD_CD);
      const Entry d = read_entry(m.memory, *cd_pa);
      if (!(d[0] & cd::k0V) || !(d[0] & cd::k0Aa64)) return c.config_error(EventId::C_BAD_CD);
      const unsigned t0sz = unsigned(field_get(cd::k0TcrT0sz, d[0]));
      const bool record = (d[0] & cd::k0R) != 0;
      s1_record = record;
      // EPD0: no walk through TTB0, whose fields (T0SZ, TG0, ...) are IGNORED then (the SVA
      // driver's "released" CD leaves T0SZ 0 and relies on it).
      if (d[0] & cd::k0TcrEpd0) return c.fail(EventId::F_TRANSLATION, record && mode == Mode::Untranslated);
      // Simplification: 4 KiB TTB0 granule and at most 48-bit input only.
      if (field_get(cd::k0TcrTg0, d[0]) != cd::kTg0_4k || t0sz < 16) return c.config_error(EventId::C_BAD_CD);
      asid = uint16_t(field_get(cd::k0Asid, d[0]));
      did_s1 = true;
      // Nested: a combined entry answers everything but an S1CHK Translation
      // Request, which wants the stage-1 output (an IPA) the combined entry lacks.
      const bool s1chk_treq = mode == Mode::AtsRequest && eats == ste::kEatsS1Chk;
      if (s2 && !s1chk_treq)
        if (auto hit = c.iotlb_lookup(true, true, asid, vmid, req.addr))
          return c.done((hit->pa_page << 12) | (req.addr & 0xfff), 0x1000, true, hit->writable);
      // Stage-1-only entries are filled by S1 STEs alone (a nested walk inserts the combined one).
      if (auto hit = s2 ? std::nullopt : c.iotlb_lookup(true, false, asid, vmid, req.addr)) {
        ipa = (hit->pa_page << 12) | (req.addr & 0xfff);
        size = 0x1000;
        wr = hit->writable;
      } else {
        const pgtable::WalkResult w =
            pgtable::walk(m.memory, pgtable::Stage::S1, d[1] & cd::k1Ttb0Mask, start_level_for(64 - t0sz),
                          64 - t0sz, req.addr, req.write && mode == Mode::Untranslated, s2c ? &*s2c : nullptr);
        if (w.fault != pgtable::Fault::None && w.fault != pgtable::Fault::Permission)
          return c.fail(fault_event(w.fault), record && mode == Mode::Untranslated);
        if (w.fault == pgtable::Fault::Permission && mode == Mode::Untranslated)
          return c.fail(EventId::F_PERMISSION, record);
        ipa = w.out;
        size = w.block_size;
        wr = w.writable;
        if (!s2) c.iotlb_insert({true, asid, vmid, req.addr >> 12, ipa >> 12, wr, false});
      }
    }
  }
  // EATS=S1CHK: the Translation Request is answered with the stage-1 output.
  if (mode == Mode::AtsRequest && eats == ste::kEatsS1Chk) return c.done(ipa, size < 0x1000 ? 0x1000 : size, rd, wr);
  if (s2) {
    // With stage 1 the combined entry was looked up above; without it (S2 STE, or
    // nested with S1DSS=bypass) a stage-2 entry by IPA.
    const bool s1_tag = did_s1;
    if (!s1_tag)
      if (auto hit = c.iotlb_lookup(false, false, 0, vmid, ipa))
        return c.done((hit->pa_page << 12) | (req.addr & 0xfff), 0x1000, true, wr && hit->writable);
    const pgtable::WalkResult w = pgtable::walk(m.memory, pgtable::Stage::S2, s2c->ttb, s2c->start_level,
                                                s2c->ia_bits, ipa, req.write && mode == Mode::Untranslated);
    if (w.fault != pgtable::Fault::None && !(w.fault == pgtable::Fault::Permission && mode == Mode::AtsRequest))
      return c.fail(fault_event(w.fault), s2_record && mode == Mode::Untranslated);
    size = std::min(size, w.block_size);
    rd = rd && w.readable;
    wr = wr && w.writable;
    c.iotlb_insert({s1_tag, asid, vmid, (s1_tag ? req.addr : ipa) >> 12, w.out >> 12, wr, s1_tag});
    if (mode == Mode::Untranslated && (req.write ? !wr : !rd)) return c.fail(EventId::F_PERMISSION, s2_record);
    return c.done(w.out, size, rd, wr);
  }
  // A write through a read-only stage-1 translation found in the IOTLB.
  if (mode == Mode::Untranslated && req.write && !wr) return c.fail(EventId::F_PERMISSION, s1_record);
  return c.done(ipa, size, rd, wr);
}

}  // namespace

TranslateResult translate(Machine& m, unsigned smmu, const DeviceRequest& req) {
  return resolve(m, smmu, &m.smmus.at(smmu), req, Mode::Untranslated);
}

TranslateResult ats_translation_request(Machine& m, unsigned smmu, const DeviceRequest& req) {
  TranslateResult r = resolve(m, smmu, &m.smmus.at(smmu), req, Mode::AtsRequest);
  // A completion carries the translation aligned to its size, with R/W.
  if (r.ok && r.size) r.pa &= ~(r.size - 1);
  if (r.ok && !r.readable && !r.writable) r.ok = false;
  return r;
}

TranslateResult ats_translation_from_tables(const Machine& m, unsigned smmu, const DeviceRequest& req) {
  TranslateResult r = resolve(m, smmu, nullptr, req, Mode::AtsRequest);
  if (r.ok && !r.readable && !r.writable) r.ok = false;
  return r;
}

TranslateResult translated_request(Machine& m, unsigned idx, uint32_t sid, uint64_t pa, bool write) {
  Smmu& s = m.smmus.at(idx);
  DeviceRequest req;
  req.sid = sid;
  req.addr = pa;
  req.write = write;
  Ctx c{m, s, &s, req, Mode::Translated, {}};
  // 3.9.1.3: with SMMUEN clear Translated traffic is refused whatever ATSCHK says.
  if (!(s.cr0 & reg::kCr0SmmuEn)) return c.fail(EventId::F_TRANSL_FORBIDDEN);
  if (!(s.cr0 & reg::kCr0AtsChk)) return c.done(pa, 0x1000, true, true);
  const auto ste_pa = ste_address(m.memory, s, sid);
  if (!ste_pa) return c.config_error(EventId::C_BAD_STREAMID);
  const Entry e = read_entry(m.memory, *ste_pa);
  // An ILLEGAL STE (a reserved CFG among them) aborts a translated request as any other: the
  // STE is checked before EATS means anything; the error is not recorded for Translated traffic.
  if (ste_illegal(s, e)) return c.config_error(EventId::C_BAD_STE);
  const uint64_t cfg = field_get(ste::k0Cfg, e[0]);
  const uint64_t eats = field_get(ste::k1Eats, e[1]);
  // An abort STE aborts it without an event; a bypass STE ignores EATS and refuses it as if
  // EATS were ABT, with F_TRANSL_FORBIDDEN.
  if (cfg == ste::kCfgAbort) return c.abort_silently();
  if (cfg < ste::kCfgS1Trans || eats == ste::kEatsAbt) return c.fail(EventId::F_TRANSL_FORBIDDEN);
  if (eats == ste::kEatsS1Chk) {
    // Split-stage ATS: the device's address is an IPA that stage 2 still translates.
    const auto s2c = s2_context(e);
    if (!s2c) return c.config_error(EventId::C_BAD_STE);
    const pgtable::WalkResult w =
        pgtable::walk(m.memory, pgtable::Stage::S2, s2c->ttb, s2c->start_level, s2c->ia_bits, pa, write);
    if (w.fault != pgtable::Fault::None) return c.fail(fault_event(w.fault), (e[2] & ste::k2S2R) != 0);
    return c.done(w.out, w.block_size, w.readable, w.writable);
  }
  return c.done(pa, 0x1000, true, true);
}

std::string ats_response(const TranslateResult& r) {
  std::string out;
  switch (r.ats) {
    case AtsStatus::UnsupportedRequest: out = "UR"; break;
    case AtsStatus::CompleterAbort: out = "CA"; break;
    case AtsStatus::Success: out = r.readable || r.writable ? "success" : "no access"; break;
  }
  if (r.event) out += ", " + std::string(event_name(*r.event));
  if (r.unrecorded) out += " (" + std::string(event_name(*r.unrecorded)) + ", not recorded)";
  return out;
}

}  // namespace atslab::hw::smmuv3
