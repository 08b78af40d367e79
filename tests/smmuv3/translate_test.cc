// Translation of a device's requests through each STE kind, ATS Translation
// Requests and translated requests, and the device ATC in front of them.
#include <gtest/gtest.h>

#include "hw/device_dma.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "hw/smmuv3/translate.h"
#include "linux/smmuv3/atc_inv.h"
#include "linux/smmuv3/cmdq.h"
#include "linux/smmuv3/entry_make.h"
#include "linux/smmuv3/entry_writers.h"
#include "linux/smmuv3/io_pgtable_arm.h"
#include "test_entries.h"
#include "test_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
namespace pg = hw::smmuv3::pgtable;
using hs::EventId;

constexpr uint64_t kStrtab = 0x100000, kCdTable = 0x200000, kS1Pool = 0x300000, kS2Pool = 0x400000;
constexpr uint64_t kBuf = 0x80000000;
constexpr hw::memory::Owner kOwnerBuf = 10, kOwnerS1 = 3, kOwnerS2 = 4;

struct SmmuTranslate : ::testing::Test {
  TestMachine t;
  smmuv3::IoPgtable s1 = smmuv3::alloc_io_pgtable(t.m.memory, pg::Stage::S1, kS1Pool, kOwnerS1);
  smmuv3::IoPgtable s2 = smmuv3::alloc_io_pgtable(t.m.memory, pg::Stage::S2, kS2Pool, kOwnerS2);

  SmmuTranslate() {
    t.smmu().strtab_base = kStrtab;
    t.smmu().strtab_base_cfg = uint32_t(hs::field_prep(hs::reg::kStrtabBaseCfgLog2Size, 16));
    t.m.memory.alloc_page(kBuf, kOwnerBuf);
    t.m.memory.alloc_page(kBuf + 0x1000, kOwnerBuf);
  }
  uint64_t ste_pa() const { return *hs::ste_address(t.m.memory, t.m.smmus[0], t.sid); }
  void install_ste(const Entry& e) {
    smmuv3::SteWriter w(t.m, 0, t.sid, ste_pa());
    smmuv3::write_ste(w, t.sid, e);
  }
  void install_cd(uint32_t ssid, const Entry& e) {
    smmuv3::CdWriter w(t.m, 0, {t.sid}, ssid, kCdTable + ssid * hs::kEntryBytes);
    smmuv3::write_entry(w, e);
  }
  // A linear table of 4 CDs (S1CDMAX=2) at kCdTable.
  Entry s1_ste(uint64_t s1dss, bool ats) {
    smmuv3::MasterView mv;
    mv.cdtab_dma = kCdTable;
    mv.s1fmt = uint8_t(ste::kS1FmtLinear);
    mv.s1cdmax = 2;
    return smmuv3::make_cdtable_ste(test_smmu(), mv, ats, s1dss);
  }
  Entry s1_cd_walkable(uint16_t asid) {
    smmuv3::S1Config c;
    c.asid = asid;
    c.tsz = 16;  // 48-bit input
    c.tg = 0;    // 4 KiB
    c.ttbr = s1.root;
    return smmuv3::make_s1_cd({}, c);
  }
  Entry s2_walkable(bool ats, uint16_t vmid = 5) {
    smmuv3::S2Config c;
    c.vmid = vmid;
    c.tsz = 16, c.sl = 2, c.tg = 0;  // 48-bit IPA, start at level 0, 4 KiB
    c.vttbr = s2.root;
    return smmuv3::make_s2_domain_ste(test_smmu(), {}, c, ats);
  }
  // Stage 2 maps the stage-1 table pages 1:1 and IPA 0x40000000 to the buffer;
  // stage 1 maps IOVA 0x1000 to IPA 0x40000000; CD 0 is walkable.
  void map_nested() {
    for (uint64_t p = kS1Pool; p < kS1Pool + 0x5000; p += 0x1000)
      ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, p, p, 0x1000, true, false), 0);
    ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
    ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, 0x40000000, 0x1000, true, true), 0);
    install_cd(0, s1_cd_walkable(7));
  }
  // A nested STE: the CD-table half of s1_ste, the stage-2 half of s2_walkable, EATS as given.
  Entry nested_walkable(uint64_t s1dss, uint64_t eats) {
    Entry e = s1_ste(s1dss, false);
    const Entry s2e = s2_walkable(false);
    e[0] |= hs::field_prep(ste::k0Cfg, ste::kCfgNested);
    e[1] |= hs::field_prep(ste::k1Eats, eats);
    for (unsigned i = 2; i < 8; i++) e[i] = s2e[i];
    return e;
  }
  hs::TranslateResult dma(uint64_t iova, bool write = false, bool ssv = false, uint32_t ssid = 0) {
    return hs::translate(t.m, 0, {t.sid, ssv, ssid, iova, write});
  }
  hs::TranslateResult treq(uint64_t iova) { return hs::ats_translation_request(t.m, 0, {t.sid, false, 0, iova, false}); }
};

TEST_F(SmmuTranslate, InvalidSteRaisesCBadSte) {
  const auto r = dma(0x1000);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.event, EventId::C_BAD_STE);
  ASSERT_EQ(t.smmu().evtq.size(), 1u);
  EXPECT_EQ(t.smmu().evtq[0].id, EventId::C_BAD_STE);
  EXPECT_EQ(t.smmu().evtq[0].sid, t.sid);
}

TEST_F(SmmuTranslate, SidBeyondTheStreamTableIsCBadStreamid) {
  t.smmu().strtab_base_cfg = uint32_t(hs::field_prep(hs::reg::kStrtabBaseCfgLog2Size, 4));
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STREAMID);
}

TEST_F(SmmuTranslate, AbortSteTerminatesWithoutEvent) {
  install_ste(abort_ste());
  const auto r = dma(0x1000);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.event.has_value());
  EXPECT_TRUE(t.smmu().evtq.empty());
}

TEST_F(SmmuTranslate, BypassSteIsIdentity) {
  install_ste(bypass_ste());
  const auto r = dma(kBuf + 0x10, true);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.pa, kBuf + 0x10);
  EXPECT_EQ(r.owner, kOwnerBuf);
}

// Stage 1 disabled: a request with a SubstreamID has no CD to select and is aborted with
// C_BAD_SUBSTREAMID, under a bypass STE as under a stage-2 one (IHI 0070 3.9, STE.S1Fmt); a
// Translation Request carrying a PASID meets the same configuration error: CA, not recorded.
TEST_F(SmmuTranslate, ASubstreamIdWithoutStage1IsCBadSubstreamid) {
  install_ste(bypass_ste());
  EXPECT_TRUE(dma(0x1000).ok);
  EXPECT_EQ(dma(0x1000, false, true, 1).event, EventId::C_BAD_SUBSTREAMID);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  install_ste(s2_walkable(/*ats=*/true));
  EXPECT_EQ(dma(0x40000000).pa, kBuf);
  EXPECT_EQ(dma(0x40000000, false, true, 1).event, EventId::C_BAD_SUBSTREAMID);
  const auto r = hs::ats_translation_request(t.m, 0, {t.sid, true, 1, 0x40000000, false});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.ats, hs::AtsStatus::CompleterAbort);
  EXPECT_EQ(r.unrecorded, EventId::C_BAD_SUBSTREAMID);
}

TEST_F(SmmuTranslate, TwoLevelStreamTableFindsTheLeaf) {
  // L1 descriptor for the SID's group of 2^8 STEs, SPAN=9 (256 STEs).
  const uint64_t l1 = 0x500000, l2 = 0x510000;
  t.smmu().strtab_base = l1;
  t.smmu().strtab_base_cfg = uint32_t(hs::field_prep(hs::reg::kStrtabBaseCfgFmt, hs::reg::kStrtabBaseCfgFmt2Lvl) |
                                      hs::field_prep(hs::reg::kStrtabBaseCfgSplit, 8) |
                                      hs::field_prep(hs::reg::kStrtabBaseCfgLog2Size, 16));
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STREAMID) << "no leaf yet";
  t.m.memory.write64(l1 + 8 * (t.sid >> 8), l2 | 9);
  EXPECT_EQ(ste_pa(), l2 + (t.sid & 0xff) * 64);
  install_ste(bypass_ste());
  EXPECT_TRUE(dma(0x1000).ok);
}

TEST_F(SmmuTranslate, S1TranslatesThroughTheCdAndFillsTheIotlb) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, kBuf, 0x1000, true, true), 0);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x2000, kBuf + 0x1000, 0x1000, true, false), 0);
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssSsid0, false));
  const auto r = dma(0x1234, true);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.pa, kBuf + 0x234);
  EXPECT_EQ(r.owner, kOwnerBuf);
  ASSERT_EQ(t.smmu().iotlb.entries.size(), 1u);
  EXPECT_EQ(t.smmu().iotlb.entries[0].asid, 7u);
  EXPECT_EQ(dma(0x2000, true).event, EventId::F_PERMISSION);
  EXPECT_TRUE(dma(0x2000, false).ok);
  EXPECT_EQ(dma(0x2000, true).event, EventId::F_PERMISSION) << "also when the IOTLB holds it";
  EXPECT_EQ(dma(0x9000).event, EventId::F_TRANSLATION);
}

TEST_F(SmmuTranslate, StaleIotlbUntilTlbiNhVa) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, kBuf, 0x1000, true, true), 0);
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssSsid0, false));
  ASSERT_TRUE(dma(0x1000).ok);
  ASSERT_EQ(smmuv3::iopt_unmap(t.m.memory, s1, 0x1000, 0x1000), 0x1000u);
  EXPECT_TRUE(dma(0x1000).ok) << "the IOTLB still holds the translation";
  hs::Command tlbi;
  tlbi.op = hs::Op::TLBI_NH_VA;
  tlbi.asid = 7;
  tlbi.addr = 0x1000;
  tlbi.leaf = true;
  ASSERT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, {tlbi}, true), 0);
  EXPECT_EQ(dma(0x1000).event, EventId::F_TRANSLATION);
}

TEST_F(SmmuTranslate, S1dssDecidesRequestsWithoutPasid) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, kBuf, 0x1000, true, true), 0);
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssTerminate, false));
  EXPECT_EQ(dma(0x1000).event, EventId::F_STREAM_DISABLED);
  install_ste(s1_ste(ste::kS1DssBypass, false));
  EXPECT_EQ(dma(0x1000).pa, 0x1000u);
  install_ste(s1_ste(ste::kS1DssSsid0, false));
  EXPECT_EQ(dma(0x1000).pa, kBuf);
}

TEST_F(SmmuTranslate, PasidRequestsPickTheirCd) {
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssSsid0, false));
  EXPECT_EQ(dma(0x1000, false, true, 1).event, EventId::C_BAD_CD) << "CD 1 is not valid";
  EXPECT_EQ(dma(0x1000, false, true, 4).event, EventId::C_BAD_SUBSTREAMID) << "beyond S1CDMAX";
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, kBuf, 0x1000, true, true), 0);
  install_cd(1, s1_cd_walkable(8));
  EXPECT_EQ(dma(0x1000, false, true, 1).pa, kBuf);
}

TEST_F(SmmuTranslate, S2Translates) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  install_ste(s2_walkable(false));
  EXPECT_EQ(dma(0x40000008, true).pa, kBuf + 8);
  EXPECT_EQ(t.smmu().iotlb.entries.at(0).vmid, 5u);
  EXPECT_FALSE(t.smmu().iotlb.entries.at(0).s1);
  EXPECT_EQ(dma(0x50000000).event, EventId::F_TRANSLATION);
}

TEST_F(SmmuTranslate, NestedWalksStage1TablesThroughStage2) {
  // Stage 2 maps the stage-1 table pages 1:1 and IPA 0x40000000 to the buffer.
  for (uint64_t p = kS1Pool; p < kS1Pool + 0x5000; p += 0x1000)
    ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, p, p, 0x1000, true, false), 0);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, 0x40000000, 0x1000, true, true), 0);
  install_cd(0, s1_cd_walkable(7));
  Entry nested = s1_ste(ste::kS1DssSsid0, false);
  const Entry s2e = s2_walkable(false);
  nested[0] |= hs::field_prep(ste::k0Cfg, ste::kCfgNested);
  for (unsigned i = 2; i < 8; i++) nested[i] = s2e[i];
  install_ste(nested);
  const auto r = dma(0x1010, true);
  EXPECT_TRUE(r.ok) << (r.event ? hs::event_name(*r.event) : "");
  EXPECT_EQ(r.pa, kBuf + 0x10);
  // Without the stage-2 mapping of the output, stage 2 faults.
  ASSERT_EQ(smmuv3::iopt_unmap(t.m.memory, s2, 0x40000000, 0x1000), 0x1000u);
  t.smmu().iotlb.inv_all();
  EXPECT_EQ(dma(0x1010).event, EventId::F_TRANSLATION);
}

TEST_F(SmmuTranslate, AtsTranslationRequestNeedsEatsTrans) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  install_ste(s2_walkable(/*ats=*/true));
  const auto ok = treq(0x40000010);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.pa, kBuf);
  EXPECT_EQ(ok.size, 0x1000u);
  EXPECT_TRUE(ok.writable);
  const auto miss = treq(0x50000000);
  EXPECT_FALSE(miss.ok);
  EXPECT_FALSE(miss.event.has_value()) << "a walk fault is a no-access completion, not an event";
  EXPECT_EQ(miss.ats, hs::AtsStatus::Success);
  EXPECT_EQ(hs::ats_response(miss), "no access");
  // IHI 0070 3.9.1.2: EATS=ABT and a bypass STE answer UR and record F_BAD_ATS_TREQ; an abort
  // STE answers UR and records nothing.
  install_ste(s2_walkable(/*ats=*/false));
  EXPECT_EQ(treq(0x40000010).event, EventId::F_BAD_ATS_TREQ);
  EXPECT_EQ(treq(0x40000010).ats, hs::AtsStatus::UnsupportedRequest);
  install_ste(bypass_ste());
  EXPECT_EQ(treq(0x40000010).event, EventId::F_BAD_ATS_TREQ) << "bypass ignores EATS";
  EXPECT_EQ(hs::ats_response(treq(0x40000010)), "UR, F_BAD_ATS_TREQ");
  const size_t events = t.smmu().evtq.size();
  install_ste(abort_ste());
  const auto blocked = treq(0x40000010);
  EXPECT_FALSE(blocked.ok);
  EXPECT_EQ(blocked.ats, hs::AtsStatus::UnsupportedRequest);
  EXPECT_FALSE(blocked.event.has_value()) << "an abort STE records no event";
  EXPECT_EQ(t.smmu().evtq.size(), events);
}

// SMMUEN clear: a Translation Request is UR with F_BAD_ATS_TREQ (3.9.1.2) and a Translated
// transaction is aborted with F_TRANSL_FORBIDDEN whatever ATSCHK says (3.9.1.3).
TEST_F(SmmuTranslate, WithSmmuenClearAtsIsRefusedAndRecorded) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  install_ste(s2_walkable(/*ats=*/true));
  t.smmu().cr0 &= ~hs::reg::kCr0SmmuEn;
  const auto r = treq(0x40000010);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.ats, hs::AtsStatus::UnsupportedRequest);
  EXPECT_EQ(r.event, EventId::F_BAD_ATS_TREQ);
  const auto d = hs::translated_request(t.m, 0, t.sid, kBuf, false);
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.event, EventId::F_TRANSL_FORBIDDEN);
  t.smmu().cr0 &= ~hs::reg::kCr0AtsChk;
  EXPECT_EQ(hs::translated_request(t.m, 0, t.sid, kBuf, false).event, EventId::F_TRANSL_FORBIDDEN);
}

// A StreamID with no STE: an ordinary transaction records C_BAD_STREAMID; a Translation Request
// is completed with CA and a checked Translated transaction aborted, neither recorded (Linux
// leaves SMMU_CR2.REC_CFG_ATS clear).
TEST_F(SmmuTranslate, NoSteIsCompleterAbortForATranslationRequest) {
  const auto far = hs::ats_translation_request(t.m, 0, {0xffffffu, false, 0, 0x1000, false});
  EXPECT_FALSE(far.ok);
  EXPECT_EQ(far.ats, hs::AtsStatus::CompleterAbort);
  EXPECT_FALSE(far.event.has_value());
  EXPECT_EQ(far.unrecorded, EventId::C_BAD_STREAMID);
  EXPECT_EQ(hs::ats_response(far), "CA (C_BAD_STREAMID, not recorded)");
  const auto d = hs::translated_request(t.m, 0, 0xffffffu, kBuf, false);
  EXPECT_FALSE(d.ok);
  EXPECT_FALSE(d.event.has_value());
  EXPECT_EQ(d.unrecorded, EventId::C_BAD_STREAMID);
}

TEST_F(SmmuTranslate, AtsTranslationRequestUnderAnS1CdTableSte) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x200000, kBuf, 0x200000, true, false), 0);
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssSsid0, /*ats=*/true));
  const auto r = treq(0x212345);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.size, 0x200000u) << "a 2 MiB block answers with its size";
  EXPECT_EQ(r.pa, kBuf);
  EXPECT_FALSE(r.writable);
  install_ste(s1_ste(ste::kS1DssSsid0, /*ats=*/false));
  EXPECT_EQ(treq(0x212345).event, EventId::F_BAD_ATS_TREQ);
}

TEST_F(SmmuTranslate, SplitStageAtsOnANestedSte) {
  for (uint64_t p = kS1Pool; p < kS1Pool + 0x5000; p += 0x1000)
    ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, p, p, 0x1000, true, false), 0);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, 0x40000000, 0x1000, true, true), 0);
  install_cd(0, s1_cd_walkable(7));
  Entry nested = s1_ste(ste::kS1DssSsid0, false);
  const Entry s2e = s2_walkable(false);
  nested[0] |= hs::field_prep(ste::k0Cfg, ste::kCfgNested);
  nested[1] |= hs::field_prep(ste::k1Eats, ste::kEatsS1Chk);
  for (unsigned i = 2; i < 8; i++) nested[i] = s2e[i];
  install_ste(nested);
  // EATS=S1CHK: the completion carries the stage-1 output (an IPA) ...
  const auto r = treq(0x1000);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.pa, 0x40000000u);
  // ... and the translated request still goes through stage 2.
  const auto d = hs::translated_request(t.m, 0, t.sid, 0x40000020, true);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.pa, kBuf + 0x20);
  // S1CHK without stage 2 is an illegal STE.
  Entry bad = s1_ste(ste::kS1DssSsid0, false);
  bad[1] |= hs::field_prep(ste::k1Eats, ste::kEatsS1Chk);
  install_ste(bad);
  const auto illegal = treq(0x1000);
  EXPECT_EQ(illegal.ats, hs::AtsStatus::CompleterAbort) << "a configuration error: CA, not recorded";
  EXPECT_FALSE(illegal.event.has_value());
  EXPECT_EQ(illegal.unrecorded, EventId::C_BAD_STE);
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STE);
}

// The DMA first fills the IOTLB with the combined stage-1+stage-2 entry (final
// PA); the S1CHK Translation Request after it must still answer with the IPA.
TEST_F(SmmuTranslate, SplitStageAtsAfterDmaAnswersWithTheIpa) {
  for (uint64_t p = kS1Pool; p < kS1Pool + 0x5000; p += 0x1000)
    ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, p, p, 0x1000, true, false), 0);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, 0x40000000, 0x1000, true, true), 0);
  install_cd(0, s1_cd_walkable(7));
  Entry nested = s1_ste(ste::kS1DssSsid0, false);
  const Entry s2e = s2_walkable(false);
  nested[0] |= hs::field_prep(ste::k0Cfg, ste::kCfgNested);
  nested[1] |= hs::field_prep(ste::k1Eats, ste::kEatsS1Chk);
  for (unsigned i = 2; i < 8; i++) nested[i] = s2e[i];
  install_ste(nested);
  const auto d = dma(0x1010, true);
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.pa, kBuf + 0x10);
  ASSERT_EQ(t.smmu().iotlb.entries.size(), 1u);
  EXPECT_TRUE(t.smmu().iotlb.entries[0].nested);
  EXPECT_EQ(t.smmu().iotlb.entries[0].pa_page, kBuf >> 12);
  const auto r = treq(0x1000);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.pa, 0x40000000u) << "the stage-1 output, not the combined entry's PA";
  // And the DMA after it still hits the combined entry: it survives an unmapped stage 1.
  ASSERT_EQ(smmuv3::iopt_unmap(t.m.memory, s1, 0x1000, 0x1000), 0x1000u);
  EXPECT_EQ(dma(0x1010).pa, kBuf + 0x10) << "stale combined entry until a TLBI";
}

TEST_F(SmmuTranslate, AtsTranslationRequestNeedsIdr0Ats) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  install_ste(s2_walkable(true));
  t.smmu().idr0 &= ~hs::reg::kIdr0Ats;
  EXPECT_EQ(treq(0x40000000).event, EventId::F_BAD_ATS_TREQ);
}

TEST_F(SmmuTranslate, TranslatedRequestsCheckedAgainstEatsWithAtschk) {
  install_ste(s2_walkable(true));
  EXPECT_TRUE(hs::translated_request(t.m, 0, t.sid, kBuf, true).ok);
  install_ste(s2_walkable(false));
  EXPECT_EQ(hs::translated_request(t.m, 0, t.sid, kBuf, true).event, EventId::F_TRANSL_FORBIDDEN);
  install_ste(bypass_ste());
  EXPECT_EQ(hs::translated_request(t.m, 0, t.sid, kBuf, true).event, EventId::F_TRANSL_FORBIDDEN);
  t.smmu().cr0 &= ~hs::reg::kCr0AtsChk;
  EXPECT_TRUE(hs::translated_request(t.m, 0, t.sid, kBuf, true).ok) << "without ATSCHK the SMMU does not check";
}

// Full ATS on a nested STE (EATS=TRANS): the completion carries the final PA,
// both stages applied, and a translated request at that PA is used as it is.
TEST_F(SmmuTranslate, FullAtsOnANestedSteAnswersWithThePa) {
  map_nested();
  install_ste(nested_walkable(ste::kS1DssSsid0, ste::kEatsTrans));
  const auto r = treq(0x1010);
  EXPECT_TRUE(r.ok) << (r.event ? hs::event_name(*r.event) : "");
  EXPECT_EQ(r.pa, kBuf);
  EXPECT_EQ(r.size, 0x1000u);
  EXPECT_TRUE(r.readable);
  EXPECT_TRUE(r.writable);
  EXPECT_FALSE(treq(0x9000).ok) << "a stage-1 miss is a no-access completion";
  const auto d = hs::translated_request(t.m, 0, t.sid, kBuf + 0x10, true);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.pa, kBuf + 0x10) << "EATS=TRANS: the address is final, stage 2 is not applied again";
  install_ste(nested_walkable(ste::kS1DssSsid0, ste::kEatsAbt));
  EXPECT_EQ(treq(0x1010).event, EventId::F_BAD_ATS_TREQ);
  EXPECT_EQ(hs::translated_request(t.m, 0, t.sid, kBuf, true).event, EventId::F_TRANSL_FORBIDDEN);
}

// ATS in an identity domain (kernel-semantics 3.1): a CD-table STE with
// S1DSS=BYPASS and EATS=TRANS. In the SMMUv3 architecture a transaction
// without a SubstreamID skips stage 1 under S1DSS=0b01, and an S1-only STE has
// no stage 2, so nothing translates it: the Translation Request is answered
// with the input address itself and full read/write permission ("Full ATS
// skipping stage 1"). That is what lets Linux keep ATS on in identity.
TEST_F(SmmuTranslate, AtsWithS1dssBypassAnswersWithTheIdentity) {
  install_cd(0, s1_cd_walkable(7));  // not consulted for a request without PASID
  install_ste(s1_ste(ste::kS1DssBypass, /*ats=*/true));
  for (uint64_t addr : {uint64_t{0x1234}, uint64_t{0x40000010}, kBuf + 0x20}) {
    const auto r = treq(addr);
    ASSERT_TRUE(r.ok) << std::hex << addr;
    EXPECT_FALSE(r.event.has_value());
    EXPECT_TRUE(r.readable);
    EXPECT_TRUE(r.writable);
    ASSERT_GE(r.size, 0x1000u);
    EXPECT_EQ(addr & (r.size - 1), addr - r.pa) << "the range containing " << std::hex << addr << " maps to itself";
  }
  EXPECT_TRUE(t.smmu().evtq.empty());
  // The translated request the device then issues is accepted as it is.
  const auto d = hs::translated_request(t.m, 0, t.sid, kBuf + 0x20, true);
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.pa, kBuf + 0x20);
}

// S1DSS=TERMINATE: a request without PASID is stream-disabled, a Translation
// Request as much as a DMA; EATS=TRANS does not change that. The DMA records
// F_STREAM_DISABLED; the Translation Request is completed with CA and records
// nothing (STE.S1DSS, 3.9.1.2).
TEST_F(SmmuTranslate, AtsWithS1dssTerminateIsStreamDisabled) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, kBuf, 0x1000, true, true), 0);
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssTerminate, /*ats=*/true));
  const auto r = treq(0x1000);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.ats, hs::AtsStatus::CompleterAbort);
  EXPECT_EQ(r.unrecorded, EventId::F_STREAM_DISABLED);
  EXPECT_TRUE(t.smmu().evtq.empty());
  EXPECT_EQ(dma(0x1000).event, EventId::F_STREAM_DISABLED);
  ASSERT_EQ(t.smmu().evtq.size(), 1u);
  EXPECT_EQ(t.smmu().evtq[0].id, EventId::F_STREAM_DISABLED);
  // With a PASID the CD is used: CD 0 is the only valid one here.
  const auto p = hs::ats_translation_request(t.m, 0, {t.sid, true, 0, 0x1000, false});
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.pa, kBuf);
}

// Translated requests under a stage-1 STE: accepted unchanged with EATS=TRANS,
// refused with EATS=ABT (F_TRANSL_FORBIDDEN); under an abort STE always
// aborted, EATS ignored, with no event (3.9.1.3).
TEST_F(SmmuTranslate, TranslatedRequestsUnderS1AndAbortStes) {
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssSsid0, /*ats=*/true));
  const auto ok = hs::translated_request(t.m, 0, t.sid, kBuf + 8, true);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.pa, kBuf + 8);
  EXPECT_EQ(ok.owner, kOwnerBuf);
  install_ste(s1_ste(ste::kS1DssSsid0, /*ats=*/false));
  EXPECT_EQ(hs::translated_request(t.m, 0, t.sid, kBuf, false).event, EventId::F_TRANSL_FORBIDDEN);
  install_ste(abort_ste());
  const auto a = hs::translated_request(t.m, 0, t.sid, kBuf, false);
  EXPECT_FALSE(a.ok);
  EXPECT_FALSE(a.event.has_value());
  Entry abort_with_eats = abort_ste();
  abort_with_eats[1] |= hs::field_prep(ste::k1Eats, ste::kEatsTrans);
  t.m.memory.write64(ste_pa() + 8, abort_with_eats[1]);
  const auto b = hs::translated_request(t.m, 0, t.sid, kBuf, false);
  EXPECT_FALSE(b.ok) << "an abort STE ignores EATS";
  EXPECT_FALSE(b.event.has_value());
  install_ste(bypass_ste());
  EXPECT_EQ(hs::translated_request(t.m, 0, t.sid, kBuf, false).event, EventId::F_TRANSL_FORBIDDEN)
      << "a bypass STE refuses it as EATS=ABT would";
}

// A reserved CFG (1..3) makes the STE ILLEGAL: C_BAD_STE for an untranslated
// request; a Translation Request is completed with CA and a translated request
// aborted, before EATS is looked at, neither recorded.
TEST_F(SmmuTranslate, ReservedCfgIsCBadSteForEveryRequestKind) {
  for (uint64_t cfg : {1, 2, 3}) {
    Entry e{};
    e[0] = ste::k0V | hs::field_prep(ste::k0Cfg, cfg);
    e[1] = hs::field_prep(ste::k1Eats, ste::kEatsTrans);
    for (unsigned q = 0; q < 8; q++) t.m.memory.write64(ste_pa() + 8 * q, e[q]);
    EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STE) << cfg;
    EXPECT_EQ(treq(0x1000).ats, hs::AtsStatus::CompleterAbort) << cfg;
    EXPECT_EQ(treq(0x1000).unrecorded, EventId::C_BAD_STE) << cfg;
    const auto d = hs::translated_request(t.m, 0, t.sid, kBuf, false);
    EXPECT_FALSE(d.ok) << cfg;
    EXPECT_FALSE(d.event.has_value()) << cfg;
    EXPECT_EQ(d.unrecorded, EventId::C_BAD_STE) << cfg;
  }
}

// IDR0.S1P / S2P: an STE whose CFG needs a stage the SMMU does not implement is ILLEGAL.
TEST_F(SmmuTranslate, CfgNeedingAnUnimplementedStageIsCBadSte) {
  map_nested();
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x50000000, kBuf, 0x1000, true, true), 0);
  t.smmu().idr0 &= ~hs::reg::kIdr0S2p;  // stage 1 only
  install_ste(s2_walkable(false));
  EXPECT_EQ(dma(0x50000000).event, EventId::C_BAD_STE);
  install_ste(nested_walkable(ste::kS1DssSsid0, ste::kEatsAbt));
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STE);
  install_ste(s1_ste(ste::kS1DssSsid0, false));
  EXPECT_EQ(dma(0x1000).pa, 0x40000000u) << "stage 1 alone still works";
  install_ste(bypass_ste());
  EXPECT_TRUE(dma(0x1000).ok) << "bypass needs no stage";

  t.smmu().idr0 = (t.smmu().idr0 | hs::reg::kIdr0S2p) & ~hs::reg::kIdr0S1p;  // stage 2 only
  install_ste(s1_ste(ste::kS1DssSsid0, true));
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STE);
  EXPECT_EQ(treq(0x1000).unrecorded, EventId::C_BAD_STE);
  EXPECT_EQ(hs::translated_request(t.m, 0, t.sid, kBuf, false).unrecorded, EventId::C_BAD_STE);
  install_ste(nested_walkable(ste::kS1DssSsid0, ste::kEatsAbt));
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STE);
  install_ste(s2_walkable(false));
  EXPECT_EQ(dma(0x50000000).pa, kBuf);
}

// IDR1.SSIDSIZE: S1CDMAX above it makes a stage-1 STE ILLEGAL.
TEST_F(SmmuTranslate, S1cdmaxAboveSsidsizeIsCBadSte) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s1, 0x1000, kBuf, 0x1000, true, true), 0);
  install_cd(0, s1_cd_walkable(7));
  install_ste(s1_ste(ste::kS1DssSsid0, false));  // S1CDMAX = 2
  auto set_ssidsize = [&](unsigned n) {
    t.smmu().idr1 = uint32_t((t.smmu().idr1 & ~hs::reg::kIdr1SsidSize) | hs::field_prep(hs::reg::kIdr1SsidSize, n));
  };
  set_ssidsize(1);
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STE);
  EXPECT_EQ(dma(0x1000, false, true, 1).event, EventId::C_BAD_STE);
  set_ssidsize(2);
  EXPECT_EQ(dma(0x1000).pa, kBuf);
  set_ssidsize(0);
  EXPECT_EQ(dma(0x1000).event, EventId::C_BAD_STE) << "no substreams at all";
  smmuv3::MasterView mv;
  mv.cdtab_dma = kCdTable;
  mv.s1fmt = uint8_t(ste::kS1FmtLinear);
  mv.s1cdmax = 0;
  install_ste(smmuv3::make_cdtable_ste(test_smmu(), mv, false, ste::kS1DssSsid0));
  EXPECT_EQ(dma(0x1000).pa, kBuf) << "a single CD (S1CDMAX 0) needs no substream support";
}

TEST_F(SmmuTranslate, DeviceUsesItsAtcOnlyWithAtsEnabled) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  install_ste(s2_walkable(true));
  auto d = hw::device_dma(t.m, 0, t.ep, false, 0, 0x40000004, true);
  EXPECT_TRUE(d.ok);
  EXPECT_FALSE(d.translated) << "ATS disabled: untranslated request";
  EXPECT_FALSE(hw::device_ats_translate(t.m, 0, t.ep, false, 0, 0x40000000, false));
  EXPECT_TRUE(t.atc().entries.empty());

  t.set_ats(true);
  d = hw::device_dma(t.m, 0, t.ep, false, 0, 0x40000004, true);
  EXPECT_TRUE(d.ok);
  EXPECT_TRUE(d.translated);
  EXPECT_FALSE(d.atc_hit);
  EXPECT_EQ(d.pa, kBuf + 4);
  ASSERT_EQ(t.atc().entries.size(), 1u);
  EXPECT_EQ(t.atc().entries[0].iova, 0x40000000u);
  d = hw::device_dma(t.m, 0, t.ep, false, 0, 0x40000008, false);
  EXPECT_TRUE(d.atc_hit);

  // The STE stops allowing ATS while the device still holds its ATC entry.
  install_ste(s2_walkable(false));
  d = hw::device_dma(t.m, 0, t.ep, false, 0, 0x40000008, false);
  EXPECT_TRUE(d.atc_hit);
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.event, EventId::F_TRANSL_FORBIDDEN);
}

TEST_F(SmmuTranslate, AtcEntryOutlivesTheMappingUntilInvalidated) {
  ASSERT_EQ(smmuv3::iopt_map(t.m.memory, s2, 0x40000000, kBuf, 0x1000, true, true), 0);
  install_ste(s2_walkable(true));
  t.set_ats(true);
  ASSERT_TRUE(hw::device_dma(t.m, 0, t.ep, false, 0, 0x40000000, true).ok);
  ASSERT_EQ(smmuv3::iopt_unmap(t.m.memory, s2, 0x40000000, 0x1000), 0x1000u);
  t.m.memory.free_page(kBuf);
  auto d = hw::device_dma(t.m, 0, t.ep, false, 0, 0x40000000, true);
  EXPECT_TRUE(d.ok) << "a stale ATC entry still reaches the page";
  EXPECT_EQ(d.owner, hw::memory::kFree) << "...which is now free";
  ASSERT_EQ(smmuv3::atc_inv_master(t.m, 0, {t.sid}, smmuv3::kIommuNoPasid), 0);
  EXPECT_TRUE(t.atc().entries.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
