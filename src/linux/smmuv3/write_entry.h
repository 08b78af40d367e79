#pragma once
// The hitless entry writer (arm_smmu_write_entry) and its decision helper
// (arm_smmu_entry_qword_diff), shared by STEs and CDs through EntryWriter.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/smmuv3/entry.h"

namespace atslab::smmuv3 {

using hw::smmuv3::Entry;
using hw::smmuv3::kEntryQwords;

// arm_smmu_entry_writer_ops plus the live entry: how the used and safe bits
// are computed, how a qword is stored (one 64-bit single-copy-atomic store),
// and what "sync" means (CFGI + CMD_SYNC for the entry's kind).
class EntryWriter {
 public:
  virtual ~EntryWriter() = default;
  virtual Entry get_used(const Entry& ent) const = 0;
  virtual Entry get_update_safe(const Entry& cur, const Entry& target) const = 0;
  virtual uint64_t read_qword(unsigned i) const = 0;
  virtual void write_qword(unsigned i, uint64_t v) = 0;
  virtual void sync() = 0;

  // The whole entry; qword by qword unless a writer knows a cheaper way.
  virtual Entry read_entry() const;
};

enum class WritePath : uint8_t {
  NoUsedBitChange,  // no critical qword: one write of the target
  Hitless,          // exactly one critical qword
  Breaking,         // two or more: V=0 in between
};
const char* write_path_name(WritePath p);  // "no used-bit change", "hitless", "breaking"

struct WriteStep {
  std::string what;   // which qwords were written with what
  Entry after{};      // the live entry after the step
  bool synced = false;  // a sync follows only when the step changed a qword
};

struct WriteReport {
  WritePath path = WritePath::NoUsedBitChange;
  uint8_t critical_qwords = 0;  // bit i set: qword i is critical
  Entry unused_update{};
  std::vector<WriteStep> steps;
  unsigned syncs = 0;
  // The kernel's WARN_ON_ONCE in entry_qword_diff: the target sets bits its own
  // used mask does not contain (a maker bug; the write still proceeds).
  bool target_sets_unused_bits = false;
};

// Returns the bitmask of critical qwords and fills `unused_update`: the
// current value in currently used (non-safe) bits, the target elsewhere.
uint8_t entry_qword_diff(const EntryWriter& writer, const Entry& entry, const Entry& target,
                         Entry& unused_update, bool* target_sets_unused_bits = nullptr);

// Moves the live entry to `target`, hitlessly when at most one qword carries
// a used-bit change.
WriteReport write_entry(EntryWriter& writer, const Entry& target);

}  // namespace atslab::smmuv3
