#pragma once
// An SMMUv3's register file as software sees it through MMIO (SMMUv3
// architecture, IHI 0070: page 0 at the base, page 1 at +64 KiB), for a driver
// that programs the SMMU by its registers: the kernel tree's own arm-smmu-v3.c
// (src/kernel_src). atslab's hand-written driver sets the same fields directly.
//
// Reads and writes have the registers' side effects: CR0 is acknowledged at
// once in CR0ACK, writing CMDQ_PROD makes the SMMU consume commands from the
// ring at CMDQ_BASE in hw::memory, reading CMDQ_CONS while a CMD_SYNC waits is
// time passing at the endpoints (one round, as hw::smmuv3::endpoints_respond),
// writing GERRORN acknowledges an error.
#include <cstdint>

#include "hw/machine.h"

namespace atslab::hw::smmuv3::mmio {

// Register offsets (page 0 unless noted).
inline constexpr uint32_t kIdr0 = 0x0, kIdr1 = 0x4, kIdr2 = 0x8, kIdr3 = 0xc, kIdr4 = 0x10, kIdr5 = 0x14;
inline constexpr uint32_t kIidr = 0x18, kAidr = 0x1c;
inline constexpr uint32_t kCr0 = 0x20, kCr0Ack = 0x24, kCr1 = 0x28, kCr2 = 0x2c;
inline constexpr uint32_t kGbpa = 0x44;
inline constexpr uint32_t kIrqCtrl = 0x50, kIrqCtrlAck = 0x54;
inline constexpr uint32_t kGerror = 0x60, kGerrorn = 0x64;
inline constexpr uint32_t kGerrorIrqCfg0 = 0x68, kGerrorIrqCfg1 = 0x70, kGerrorIrqCfg2 = 0x74;
inline constexpr uint32_t kStrtabBase = 0x80, kStrtabBaseCfg = 0x88;
inline constexpr uint32_t kCmdqBase = 0x90, kCmdqProd = 0x98, kCmdqCons = 0x9c;
inline constexpr uint32_t kEvtqBase = 0xa0;
inline constexpr uint32_t kEvtqIrqCfg0 = 0xb0, kEvtqIrqCfg1 = 0xb8, kEvtqIrqCfg2 = 0xbc;
inline constexpr uint32_t kPriqBase = 0xc0;
inline constexpr uint32_t kPage1 = 0x10000;
inline constexpr uint32_t kEvtqProd = kPage1 + 0xa8, kEvtqCons = kPage1 + 0xac;
inline constexpr uint32_t kPriqProd = kPage1 + 0xc8, kPriqCons = kPage1 + 0xcc;
inline constexpr uint32_t kSize = 2 * kPage1;  // what a driver maps

// Fields of the queue base registers (CMDQ_BASE, EVTQ_BASE, PRIQ_BASE).
inline constexpr uint64_t kQBaseAddrMask = 0x000ffffffffffe0ull;  // bits 51:5
inline constexpr uint64_t kQBaseLog2Size = 0x1f;                   // bits 4:0
inline constexpr uint32_t kGbpaUpdate = 1u << 31;

uint32_t read32(Machine& m, unsigned smmu, uint32_t off);
uint64_t read64(Machine& m, unsigned smmu, uint32_t off);
void write32(Machine& m, unsigned smmu, uint32_t off, uint32_t v);
void write64(Machine& m, unsigned smmu, uint32_t off, uint64_t v);

}  // namespace atslab::hw::smmuv3::mmio
