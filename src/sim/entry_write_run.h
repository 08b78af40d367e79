#pragma once
// One entry update run end to end on a small machine: the entry sits in a
// modelled stream table (STE, SID 0) or CD table (CD, SSID 0), the driver's
// writer moves it to the target through memory stores and the command
// queue, and the independent checker judges every store. What `atslab
// entry-write` prints and what the tests pin.
#include <string>
#include <vector>

#include "check/hitless.h"
#include "hw/smmuv3/command.h"
#include "linux/smmuv3/write_entry.h"

namespace atslab::sim {

using hw::smmuv3::Entry;
using hw::smmuv3::EntryKind;

struct EntryWriteRun {
  smmuv3::WriteReport report;
  std::vector<check::ObservedStore> stores;
  check::HitlessVerdict verdict;
  std::vector<hw::smmuv3::Command> commands;  // what the SMMU consumed, in order
  unsigned syncs_completed = 0;               // CMD_SYNCs the SMMU completed
  // An invalid (V=0) entry that neither the old nor the new entry is was visible.
  bool breaking = false;
  // The kernel test harness's invalid_entry_written: qword 0 all zero at some sync.
  bool qword0_zero_at_sync = false;
  Entry final_entry{};
  bool final_equals_target = false;
};

inline constexpr uint32_t kRunSid = 0, kRunSsid = 0;

EntryWriteRun run_entry_write(EntryKind kind, const Entry& from, const Entry& to,
                              const check::HitlessOptions& opts = {});

}  // namespace atslab::sim
