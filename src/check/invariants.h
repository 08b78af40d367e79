#pragma once
// The numbered invariants of kernel-semantics.md section 7, evaluated from
// outside: hardware truth (the ATS Enable bit in config space, the STE the
// SMMU holds, the commands it received) against what the kernel believes.
// Nothing here calls driver code; expectations are recomputed from definitions.
#include <cstdint>
#include <string>
#include <vector>

#include "check/history_cursor.h"
#include "check/state_index.h"

namespace atslab {
struct System;
}

namespace atslab::check {

// The highest invariant number: section 7's 1 to 26, 27 (PASIDs reachable, issue 18's path 2) and
// 28 (a nested master's PCI ATS is on only when its guest's vSTE asked for EATS, and its STE's EATS says what PCI ATS is: issue 18's path 5)
// and 29 (every PASID the core records is attached in the SMMUv3 driver, outside a reset: issue 18's path 2).
inline constexpr int kLastInvariant = 29;

struct Violation {
  int invariant = 0;   // section 7 number; 0 = memory safety (RCU use after free, KASAN use after free, dangling rbtree node)
  std::string objects;  // what it is about, e.g. "0000:01:00.1 (master 2) domain 3"
  std::string detail;
  uint64_t seq = 0;    // record sequence number when detected
  std::string step;    // the operation after which it was detected
  bool operator==(const Violation&) const = default;
};

// Invariants over state. `quiescent`: no operation is in flight, so 9, 10, 13, 14, 24 and the
// ATC oracle (20, check/atc_oracle.h) apply too.
// With an index (refreshed for `s`), only the objects it holds are visited: the same verdicts at a
// cost that follows the live objects rather than every object ever allocated (check/state_index.h).
std::vector<Violation> check_state(const System& s, bool quiescent, const StateIndex* index = nullptr);
// Invariants over what happened: record events and WARNs from the given positions on.
// This form reads the events before `first_event` again for their context.
std::vector<Violation> check_history(const System& s, size_t first_event, size_t first_warning);
// The same for the events from `cursor.events` on, in the context the cursor carries; the
// cursor is left at the end of the record, ready for the next window.
std::vector<Violation> check_history(const System& s, HistoryCursor& cursor, size_t first_warning,
                                     const StateIndex* index = nullptr);


// Runs both after each step and keeps every violation (and the first of each number).
class Monitor {
 public:
  void step(const System& s, const std::string& step_name, bool quiescent = true);
  const std::vector<Violation>& all() const { return all_; }
  std::vector<int> numbers() const;  // distinct invariant numbers violated, ascending
  size_t atc_inv_to_ats_disabled() const { return atc_inv_to_disabled_; }
  // The caller cleared the record's events (a long run drops history it has checked): the
  // next step reads from the start of the record, in the context of all it checked before;
  // counts and the state violations holding are kept.
  void events_dropped() { cursor_.events_dropped(); }

 private:
  HistoryCursor cursor_;  // the context of what was checked, so each step reads only its own events
  StateIndex index_;      // the objects still alive, so each step visits those and not every one ever allocated
  size_t warnings_ = 0;
  size_t atc_inv_to_disabled_ = 0;
  std::vector<Violation> all_;
  std::vector<std::string> active_;  // state violations currently holding (reported when they start)
};

}  // namespace atslab::check
