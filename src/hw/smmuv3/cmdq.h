#pragma once
// The SMMU consuming its command queue. Commands complete in order; a
// CMD_SYNC completes only once every earlier command has, including the ATC
// invalidations outstanding at endpoints. Simplification: no configuration
// cache is modelled (every transaction fetches STE and CD from memory), so
// CFGI_* and PREFETCH_CFG have no effect beyond their place in the order.
#include <cstdint>

#include "hw/machine.h"

namespace atslab::hw::smmuv3 {

// Software writing CMDQ_PROD (the doorbell): the SMMU consumes until the
// queue is empty, a CMD_SYNC must wait, or a command error stops it.
void write_cmdq_prod(Machine& m, unsigned smmu, uint32_t prod);
void cmdq_consume(Machine& m, unsigned smmu);

// Time passing at the endpoints: each function with queued invalidations
// processes up to its queue depth and the completions reach the SMMU.
// Returns how many outstanding invalidations completed in this round: 0 while
// invalidations are outstanding means no endpoint is working on them (one that
// ignored them), which is what the SMMU's ATC-invalidation timer is for.
unsigned endpoints_respond(Machine& m, unsigned smmu);

// The command at queue pointer `ptr`: from the ring at CMDQ_BASE in memory once a
// driver has programmed it (the kernel tree's driver), else from Smmu::cmdq, the
// built-in ring atslab's hand-written driver writes.
RawCommand cmdq_entry(const memory::Memory& mem, const Smmu& s, uint32_t ptr);

// True when CONS points at a CMD_SYNC that waits on ATC invalidations.
bool cmdq_sync_waiting(const Machine& m, unsigned smmu);
// The same for an SMMU whose commands are in its built-in ring.
bool cmdq_sync_waiting(const Smmu& s);

// The SMMU's ATC-invalidation timer expiring while a CMD_SYNC waits on
// invalidations no endpoint will complete: CERROR_ATC_INV_SYNC (3) in
// CMDQ_CONS.ERR, GERROR.CMDQ_ERR toggled, the abandoned invalidations
// forgotten. CONS stays on the CMD_SYNC. Returns false if nothing timed out.
bool cmdq_atc_inv_timeout(Machine& m, unsigned smmu);

// Software acknowledging GERROR (writing GERRORN) so consumption resumes.
void ack_gerror(Machine& m, unsigned smmu);

// The endpoint function a stream ID names on this SMMU (SID = requester ID), or kNoFn.
pcie::FnId function_of_sid(const Machine& m, unsigned smmu, uint32_t sid);

}  // namespace atslab::hw::smmuv3
