#pragma once
// Chrome trace-event JSON (opens in Perfetto / chrome://tracing) for a run.
// Tracks: one per simulated CPU (the workload's steps on CPU 0, what CPU 1 ran
// at an interleaving point, and the SMMUv3 attach phases as slices inside
// them), one per SMMU (commands and STE writes as instants), one per pci_dev
// (config writes, probe, release, bind) and one per hardware function (its
// DMA and Translation Requests); WARNs and violations as global instants.
// Time is the record's sequence number, shown as microseconds.
//
// A long run drops its record as it goes (stress), so the trace is built
// incrementally: feed the record's new events before they are dropped.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/invariants.h"
#include "sim/scenario_run.h"

namespace atslab::io {

class ChromeTrace {
 public:
  // `max_events` bounds the document; beyond it events are counted, not kept.
  explicit ChromeTrace(const std::string& title, size_t max_events = 2'000'000);

  void add_step(const sim::StepResult& step);
  // The record's events [from, to) (indices into s.record.events), after the step they belong to.
  void add_events(const System& s, size_t from, size_t to);
  // Warnings of the record from index `from` on.
  void add_warnings(const System& s, size_t from = 0);
  void add_violation(const check::Violation& v);

  size_t dropped() const { return dropped_; }
  std::string str() const;

 private:
  void push(nlohmann::json e);
  void cpu_slice(int cpu, uint64_t begin, uint64_t end, std::string name, nlohmann::json args);

  nlohmann::json events_ = nlohmann::json::array();
  size_t max_events_;
  size_t dropped_ = 0;
  std::vector<bool> named_dev_, named_fn_;
  // Interleaving: CPU 1 runs between InterleaveBegin and InterleaveEnd.
  int cpu_ = 0;
  uint64_t cpu1_begin_ = 0;
  int64_t cpu1_point_ = 0;
  std::vector<std::string> cpu1_names_;  // the current step's nested operations, in order
  size_t cpu1_next_ = 0;
  // Per CPU: the open arm_smmu_attach_prepare (its begin), and the prepare end awaiting a commit.
  struct Attach {
    uint64_t prepare_begin = 0, install_begin = 0;
    uint32_t dev = 0;
    bool in_prepare = false, in_install = false;
  };
  Attach attach_[2];
};

// The whole trace of a finished run.
std::string chrome_trace(const System& s, const std::vector<sim::StepResult>& steps,
                         const std::vector<check::Violation>& violations, const std::string& title);

}  // namespace atslab::io
