// The SMMU programmed through its registers, as the kernel tree's own driver
// programs it: CR0 acknowledged, the command queue consumed from memory at
// CMDQ_BASE when PROD is written, CONS polled while a CMD_SYNC waits on
// endpoints (each poll one round for them, an ignored invalidation timing out
// with CERROR 3 in CONS.ERR), GERRORN acknowledging, plain registers kept.
#include <gtest/gtest.h>

#include "hw/smmuv3/cmdq.h"
#include "hw/smmuv3/mmio.h"
#include "linux/smmuv3/atc_inv.h"
#include "linux/smmuv3/cmdq.h"
#include "test_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
namespace mmio = hs::mmio;

constexpr uint64_t kQueue = 0x40000000;  // where the "driver" put its 2^4-entry ring
constexpr unsigned kLog2 = 4;

// A machine whose SMMU is reset, as a driver through MMIO would leave it: the ring in memory.
struct MmioMachine : TestMachine {
  MmioMachine() {
    smmu().cr0 = 0;
    m.memory.alloc_page(kQueue, 0x51);
    mmio::write64(m, 0, mmio::kCmdqBase, (uint64_t{1} << 62) | kQueue | kLog2);
    mmio::write32(m, 0, mmio::kCmdqProd, 0);
    mmio::write32(m, 0, mmio::kCmdqCons, 0);
    mmio::write32(m, 0, mmio::kCr0, hs::reg::kCr0CmdqEn);
  }
  // SMMUEN as well: an ATC_INV with it clear is IGNORED (IHI 0070 4.5.1); the driver sends its
  // first after arm_smmu_device_reset has set it.
  void enable_smmu() { mmio::write32(m, 0, mmio::kCr0, hs::reg::kCr0CmdqEn | hs::reg::kCr0SmmuEn); }
  // Software's side: the commands into memory, then the doorbell.
  void issue(const std::vector<hs::Command>& cmds) {
    uint32_t prod = mmio::read32(m, 0, mmio::kCmdqProd);
    for (const auto& c : cmds) {
      const hs::RawCommand raw = hs::encode(c);
      const uint64_t slot = kQueue + 16 * (prod & ((1u << kLog2) - 1));
      m.memory.write64(slot, raw[0]);
      m.memory.write64(slot + 8, raw[1]);
      prod = (prod + 1) & ((2u << kLog2) - 1);
    }
    mmio::write32(m, 0, mmio::kCmdqProd, prod);
  }
};

TEST(SmmuMmio, Cr0IsAcknowledgedAtOnceAndIdRegistersReadAsTheModelsFields) {
  TestMachine t;
  mmio::write32(t.m, 0, mmio::kCr0, hs::reg::kCr0SmmuEn | hs::reg::kCr0CmdqEn);
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kCr0Ack), hs::reg::kCr0SmmuEn | hs::reg::kCr0CmdqEn);
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kIdr0), t.smmu().idr0);
  // IDR1 says how big a command queue the SMMU takes: CMDQS 8, the built-in ring's 256 entries.
  EXPECT_EQ(hs::field_get(hs::reg::kIdr1Cmdqs, mmio::read32(t.m, 0, mmio::kIdr1)), 8u);
  EXPECT_EQ(hs::field_get(hs::reg::kIdr1Evtqs, mmio::read32(t.m, 0, mmio::kIdr1)), 7u);
  mmio::write32(t.m, 0, mmio::kIdr0, 0);
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kIdr0), t.smmu().idr0) << "ID registers are read-only";
}

TEST(SmmuMmio, RegistersWithoutBehaviourReadBackWhatWasWritten) {
  TestMachine t;
  mmio::write32(t.m, 0, mmio::kGbpa, mmio::kGbpaUpdate | (1u << 20));
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kGbpa), 1u << 20) << "UPDATE clears once the update took effect";
  mmio::write32(t.m, 0, mmio::kIrqCtrl, 5);
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kIrqCtrlAck), 5u);
  mmio::write64(t.m, 0, mmio::kGerrorIrqCfg0, 0x1234);
  EXPECT_EQ(mmio::read64(t.m, 0, mmio::kGerrorIrqCfg0), 0x1234u);
  mmio::write64(t.m, 0, mmio::kStrtabBase, (uint64_t{1} << 62) | 0x10000000);
  mmio::write32(t.m, 0, mmio::kStrtabBaseCfg, 0x10010);
  EXPECT_EQ(t.smmu().strtab_base, (uint64_t{1} << 62) | 0x10000000);
  EXPECT_EQ(t.smmu().strtab_base_cfg, 0x10010u);
}

TEST(SmmuMmio, CommandsAreConsumedFromTheRingInMemoryWhenProdIsWritten) {
  MmioMachine t;
  t.smmu().iotlb.entries.push_back({.s1 = true, .asid = 7, .iova_page = 1, .pa_page = 2});
  t.issue({hs::Command{.op = hs::Op::TLBI_NH_ASID, .asid = 7}, smmuv3::make_cmd_sync()});
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kCmdqCons), 2u);
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
  EXPECT_TRUE(t.smmu().iotlb.entries.empty());
  // The built-in ring was not used.
  EXPECT_EQ(t.smmu().cmdq[0], hs::RawCommand{});
}

TEST(SmmuMmio, TheRingWrapsAtCmdqBaseLog2Size) {
  MmioMachine t;
  for (int i = 0; i < 20; ++i) t.issue({smmuv3::make_cmd_sync()});
  EXPECT_EQ(t.smmu().syncs_completed, 20u);
  // 20 commands through 16 slots: index 4 with the wrap bit (bit 4) set.
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kCmdqCons), (1u << kLog2) | 4u);
}

TEST(SmmuMmio, NothingIsConsumedUntilCmdqenIsSet) {
  MmioMachine t;
  mmio::write32(t.m, 0, mmio::kCr0, 0);
  t.issue({smmuv3::make_cmd_sync()});
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kCmdqCons), 0u);
  mmio::write32(t.m, 0, mmio::kCr0, hs::reg::kCr0CmdqEn);
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kCmdqCons), 1u);
}

TEST(SmmuMmio, PollingConsIsTimeForTheEndpoints) {
  MmioMachine t;
  t.set_ats(true);
  hw::pcie::AtcEntry e;
  e.iova = 0x1000;
  e.size = 0x1000;
  t.atc().fill(e, 12);
  t.enable_smmu();
  t.issue({smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000, 0x1000), smmuv3::make_cmd_sync()});
  EXPECT_EQ(t.smmu().cmdq_cons, 1u) << "the CMD_SYNC waits for the endpoint";
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kCmdqCons), 2u) << "the poll gave the endpoint its round";
  EXPECT_TRUE(t.atc().entries.empty());
}

TEST(SmmuMmio, AnIgnoredInvalidationTimesOutIntoConsErrAndGerrornResumes) {
  MmioMachine t;  // ATS off and the endpoint ignores invalidations, as PCIe permits
  t.atc().inv_while_disabled = hw::pcie::AtcInvWhileDisabled::Ignore;
  t.enable_smmu();
  t.issue({smmuv3::atc_inv_to_cmd(t.sid, 0, 0, 0), smmuv3::make_cmd_sync()});
  const uint32_t cons = mmio::read32(t.m, 0, mmio::kCmdqCons);
  EXPECT_EQ(cons & 0xffffff, 1u);
  EXPECT_EQ(hs::field_get(hs::reg::kCmdqConsErr, cons), hs::reg::kCerrorAtcInvSync);
  const uint32_t gerror = mmio::read32(t.m, 0, mmio::kGerror);
  EXPECT_EQ((gerror ^ mmio::read32(t.m, 0, mmio::kGerrorn)) & hs::reg::kGerrorCmdqErr, hs::reg::kGerrorCmdqErr);
  mmio::write32(t.m, 0, mmio::kGerrorn, gerror);
  EXPECT_EQ(mmio::read32(t.m, 0, mmio::kCmdqCons), 2u);
  EXPECT_EQ(t.smmu().atc_inv_timeouts, 1u);
}

TEST(SmmuMmio, AnIllegalCommandInMemoryStopsTheQueueWithCerrorIll) {
  MmioMachine t;
  t.m.memory.write64(kQueue, 0x7f);  // no such opcode
  mmio::write32(t.m, 0, mmio::kCmdqProd, 1);
  EXPECT_EQ(hs::field_get(hs::reg::kCmdqConsErr, mmio::read32(t.m, 0, mmio::kCmdqCons)), hs::reg::kCerrorIll);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
