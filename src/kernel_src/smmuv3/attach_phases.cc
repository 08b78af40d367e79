#include "kernel_src/smmuv3/attach_phases.h"

#include "linux/system.h"

namespace atslab::kernel_src::smmuv3 {

namespace {

using kernel::EventKind;
using kernel::KFn;

// The device the glue's current call may attach, and the record's index of an AttachPrepareEnd
// whose return is not known yet (-1: none). Per thread, as the hooks are.
thread_local pci::DevId t_dev = pci::kNoDev;
thread_local long t_pending = -1;

}  // namespace

AttachScope::AttachScope(System& s, pci::DevId dev) : s_(s), prev_dev_(t_dev), prev_pending_(t_pending) {
  t_dev = dev;
  t_pending = -1;
}

AttachScope::~AttachScope() {
  t_dev = prev_dev_;
  t_pending = prev_pending_;
}

void AttachScope::returned(int ret) {
  if (t_pending >= 0 && size_t(t_pending) < s_.record.events.size()) s_.record.events[size_t(t_pending)].a = ret;
  t_pending = -1;
}

void phase_entered(System& s, KFn f) {
  if (t_dev == pci::kNoDev) return;
  if (f == KFn::arm_smmu_attach_prepare) {
    s.record.event(EventKind::AttachPrepareBegin, t_dev);
  } else if (f == KFn::arm_smmu_attach_commit) {
    t_pending = -1;  // prepare returned 0: its AttachPrepareEnd says so already
  }
}

void phase_exited(System& s, KFn f) {
  if (t_dev == pci::kNoDev) return;
  if (f == KFn::arm_smmu_attach_prepare) {
    s.record.event(EventKind::AttachPrepareEnd, t_dev, 0);
    t_pending = long(s.record.events.size()) - 1;
  } else if (f == KFn::arm_smmu_attach_commit) {
    s.record.event(EventKind::AttachCommitEnd, t_dev, 0);  // void in 6.12: it cannot fail
  }
}

}  // namespace atslab::kernel_src::smmuv3
