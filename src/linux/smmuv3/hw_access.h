#pragma once
// The SMMUv3 driver's only ways to reach the SMMU: writing STEs and issuing
// commands (arm_smmu_install_ste_for_dev, arm_smmu_cmdq_issue_cmdlist).
#include <cstdint>
#include <vector>

#include "hw/pcie/function.h"
#include "hw/smmuv3/command.h"
#include "linux/smmuv3/driver_state.h"
#include "linux/smmuv3/ste_make.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

// arm_smmu_init_strtab + arm_smmu_device_reset: the stream table in memory,
// 2-level or linear as the driver's features say (feat_2lvl_strtab), the SMMU enabled.
void device_reset(System& s, uint16_t smmu, hw::pcie::RcId rc);
// arm_smmu_device_disable: CR0 written 0 (translation, queues and ATS checking off).
void device_disable(System& s, uint16_t smmu);
// arm_smmu_init_l2_strtab: the leaf for `sid`'s group of STEs, every STE abort
// (nothing with a linear table, whose STEs all exist from device_reset).
void init_l2_strtab(System& s, uint16_t smmu, uint32_t sid);

// Issues `cmds` to the SMMU in order, then a CMD_SYNC when `sync` is set.
// Returns 0, or -ETIMEDOUT when the sync could not complete (CERROR 3).
// The driver builds commands as the hardware's decoded form (hw::smmuv3::Command is the
// kernel's arm_smmu_cmdq_ent, flattened), not as a type of its own that would only repeat
// its fields. What is not encoded in a command travels beside it: `from_array` says the
// list's ATC_INVs come from a domain's invalidation array (an unmap), not from a flush
// around an ATS enable, disable or switch (the record keeps the difference, invariant 23).
int cmdq_issue(System& s, uint16_t smmu, const std::vector<hw::smmuv3::Command>& cmds, bool sync,
               bool from_array = false);

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
