#include "hw/smmuv3/mmio.h"

#include "hw/smmuv3/cmdq.h"

namespace atslab::hw::smmuv3::mmio {

namespace {

uint64_t other(const Smmu& s, uint32_t off) {
  auto it = s.prog.other.find(off);
  return it == s.prog.other.end() ? 0 : it->second;
}

// CMDQ_CONS as software reads it: the consumer pointer and, while an error
// stops the queue, the error's code in ERR.
uint32_t cmdq_cons(const Smmu& s) {
  const bool stopped = (s.gerror ^ s.gerrorn) & reg::kGerrorCmdqErr;
  return s.cmdq_cons | (stopped ? uint32_t(field_prep(reg::kCmdqConsErr, s.cerror)) : 0u);
}

}  // namespace

uint32_t read32(Machine& m, unsigned smmu, uint32_t off) {
  Smmu& s = m.smmus.at(smmu);
  switch (off) {
    case kIdr0: return s.idr0;
    case kIdr1: return s.idr1;
    case kIdr3: return s.idr3;
    case kIdr5: return s.idr5;
    case kIdr2: case kIdr4: case kIidr: case kAidr: return 0;
    case kCr0: case kCr0Ack: return s.cr0;  // every CR0 update is acknowledged at once
    case kCr1: return s.prog.cr1;
    case kCr2: return s.prog.cr2;
    case kGbpa: return s.prog.gbpa;  // UPDATE already clear: the update took effect
    case kIrqCtrl: case kIrqCtrlAck: return s.prog.irq_ctrl;
    case kGerror: return s.gerror;
    case kGerrorn: return s.gerrorn;
    case kStrtabBaseCfg: return s.strtab_base_cfg;
    case kCmdqProd: return s.cmdq_prod;
    case kCmdqCons: {
      // A driver polling CONS is time passing: while a CMD_SYNC waits on ATC invalidations the
      // endpoints get one round; a round in which none completes any is the SMMU's
      // invalidation timer expiring (CERROR_ATC_INV_SYNC), as atslab's own driver polls it.
      if (cmdq_sync_waiting(m, smmu) && endpoints_respond(m, smmu) == 0) cmdq_atc_inv_timeout(m, smmu);
      return cmdq_cons(m.smmus.at(smmu));
    }
    case kEvtqProd: return s.prog.evtq_prod;
    case kEvtqCons: return s.prog.evtq_cons;
    default: return uint32_t(other(s, off));
  }
}

uint64_t read64(Machine& m, unsigned smmu, uint32_t off) {
  const Smmu& s = m.smmus.at(smmu);
  switch (off) {
    case kStrtabBase: return s.strtab_base;
    case kCmdqBase: return s.prog.cmdq_base;
    case kEvtqBase: return s.prog.evtq_base;
    default: return uint64_t{read32(m, smmu, off)} | (uint64_t{read32(m, smmu, off + 4)} << 32);
  }
}

void write32(Machine& m, unsigned smmu, uint32_t off, uint32_t v) {
  Smmu& s = m.smmus.at(smmu);
  switch (off) {
    case kCr0:
      s.cr0 = v;
      cmdq_consume(m, smmu);  // CMDQEN may have just been set
      return;
    case kCr1: s.prog.cr1 = v; return;
    case kCr2: s.prog.cr2 = v; return;
    case kGbpa: s.prog.gbpa = v & ~kGbpaUpdate; return;
    case kIrqCtrl: s.prog.irq_ctrl = v; return;
    case kGerrorn:
      s.gerrorn = v;
      cmdq_consume(m, smmu);  // the acknowledged error no longer stops the queue
      return;
    case kStrtabBaseCfg: s.strtab_base_cfg = v; return;
    case kCmdqProd: write_cmdq_prod(m, smmu, v); return;
    case kCmdqCons: s.cmdq_cons = v; return;  // only while the queue is disabled, at reset
    case kEvtqProd: s.prog.evtq_prod = v; return;
    case kEvtqCons: s.prog.evtq_cons = v; return;
    case kIdr0: case kIdr1: case kIdr2: case kIdr3: case kIdr4: case kIdr5: case kIidr: case kAidr:
    case kCr0Ack: case kIrqCtrlAck: case kGerror:
      return;  // read-only
    default: s.prog.other[off] = v; return;
  }
}

void write64(Machine& m, unsigned smmu, uint32_t off, uint64_t v) {
  Smmu& s = m.smmus.at(smmu);
  switch (off) {
    case kStrtabBase: s.strtab_base = v; return;
    case kCmdqBase:
      s.prog.cmdq_base = v;
      s.cmdq_log2size = uint8_t(v & kQBaseLog2Size);
      return;
    case kEvtqBase: s.prog.evtq_base = v; return;
    default: s.prog.other[off] = v; return;
  }
}

}  // namespace atslab::hw::smmuv3::mmio
