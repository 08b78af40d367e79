#pragma once
// The SMMUv3 driver's only ways to reach the SMMU: writing STEs and issuing
// commands (arm_smmu_install_ste_for_dev, arm_smmu_cmdq_issue_cmdlist).
#include <cstdint>
#include <vector>

#include "hw/pcie/function.h"
#include "linux/smmuv3/driver_state.h"
#include "linux/smmuv3/ste_make.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

// Command opcodes (kernel-semantics.md 3.1).
enum class Op : uint8_t {
  PrefetchCfg = 0x01, CfgiSte = 0x03, CfgiAll = 0x04, CfgiCd = 0x05, TlbiNhAll = 0x10, TlbiNhAsid = 0x11,
  TlbiNhVa = 0x12, TlbiS12Vmall = 0x28, TlbiS2Ipa = 0x2a, AtcInv = 0x40, CmdSync = 0x46,
};

struct Cmd {
  Op op = Op::CmdSync;
  uint32_t sid = 0;    // CFGI_STE, ATC_INV
  uint32_t ssid = 0;   // ATC_INV (with ssv)
  bool ssv = false;
  uint16_t asid = 0, vmid = 0;
  uint64_t addr = 0;
  uint8_t size = 0;    // ATC_INV: log2 of the 4 KiB pages; 52 = everything
  bool range = false;   // TLBI_NH_VA / TLBI_S2_IPA with RIL fields: (num + 1) << scale pages of 4 KiB
  uint8_t num = 0, scale = 0;
  // Model bookkeeping, not encoded: this ATC_INV comes from a domain's invalidation
  // array (an unmap), not from a flush around an ATS enable, disable or switch.
  bool from_array = false;
};

inline constexpr uint8_t kAtcInvSizeAll = 52;

// ATC_INV for [iova, iova + size): naturally aligned span covering the range (3.4 item 5).
Cmd atc_inv_cmd(uint32_t sid, uint32_t ssid, uint64_t iova, uint64_t size);

// arm_smmu_init_strtab + arm_smmu_device_reset: the stream table in memory,
// 2-level or linear as the driver's features say (feat_2lvl_strtab), the SMMU enabled.
void device_reset(System& s, uint16_t smmu, hw::pcie::RcId rc);
// arm_smmu_init_l2_strtab: the leaf for `sid`'s group of STEs, every STE abort
// (nothing with a linear table, whose STEs all exist from device_reset).
void init_l2_strtab(System& s, uint16_t smmu, uint32_t sid);

// Issues `cmds` to the SMMU in order, then a CMD_SYNC when `sync` is set.
// Returns 0, or -ETIMEDOUT when the sync could not complete (CERROR 3).
int cmdq_issue(System& s, uint16_t smmu, const std::vector<Cmd>& cmds, bool sync);

// arm_smmu_write_cd_entry: `target` as CD `ssid` of the master's CD table, by the
// hitless writer (each step synced with CFGI_CD for every StreamID + CMD_SYNC).
void write_cd_entry(System& s, MasterId m, uint32_t ssid, const hw::smmuv3::Entry& target);
// arm_smmu_clear_cd: the CD made invalid (nothing when the master has no CD table).
void clear_cd(System& s, MasterId m, uint32_t ssid);
// The CD the SMMU would fetch for the master's `ssid` (all zero without a CD table).
hw::smmuv3::Entry cd_of(const System& s, MasterId m, uint32_t ssid);

// Writes `target` as the STE of every StreamID of the master.
void install_ste_for_dev(System& s, MasterId m, const Ste& target);
// The STE the SMMU currently uses for `sid` (an unwritten entry reads as abort).
Ste ste_of(const System& s, uint16_t smmu, uint32_t sid);

}  // namespace atslab::smmuv3
