#pragma once
// The tree's two attach phases in the record, as atslab's own driver announces
// them (AttachPrepareBegin, AttachPrepareEnd with prepare's return,
// AttachCommitEnd), so that invariant 18 reads the tree's driver too.
//
// arm_smmu_attach_prepare and arm_smmu_attach_commit are static functions of
// the tree's file: nothing outside it can call or wrap them. The call-trace
// hooks (-finstrument-functions, call_trace.cc) see them enter and leave, with
// neither their arguments nor prepare's return value: the device is the one the
// glue is attaching (AttachScope), and prepare's return is known by what comes
// next. A commit entered means prepare returned 0 (6.12's attach paths commit
// only after a successful prepare, and commit is void: it cannot fail); an
// attach that returns without entering commit returned prepare's error, which
// is then written into the AttachPrepareEnd already in the record.
#include <cstddef>
#include <cstdint>

#include "linux/kernel/kfunc.h"
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::kernel_src::smmuv3 {

// For the length of one call from the glue into the driver that may attach `dev` (attach_dev,
// release_device's blocked or identity attach).
class AttachScope {
 public:
  AttachScope(System& s, pci::DevId dev);
  ~AttachScope();
  AttachScope(const AttachScope&) = delete;
  AttachScope& operator=(const AttachScope&) = delete;
  // The call's return value: a prepare not followed by a commit failed with it.
  void returned(int ret);

 private:
  System& s_;
  pci::DevId prev_dev_;
  long prev_pending_;
};

// From the call-trace hooks, for every function kfunc.def names.
void phase_entered(System& s, kernel::KFn f);
void phase_exited(System& s, kernel::KFn f);

}  // namespace atslab::kernel_src::smmuv3
