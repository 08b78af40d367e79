#pragma once
// How `atslab repro` shows its results: splats, a per-variant table, JSON.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "linux/kernel/record.h"
#include "sim/seed_repro.h"

namespace atslab::io {

// The record's KASAN reports: bug, function, access, comm, call trace and free track of each.
nlohmann::json bugs_json(const kernel::Record& rec);
nlohmann::json repro_json(const std::vector<sim::ReproResult>& results);
std::string repro_text(const std::vector<sim::ReproResult>& results, bool with_log);

}  // namespace atslab::io
